import { runCli } from '../lib/cli.ts';
import { pauseCommand } from './run-pause.ts';

runCli(pauseCommand());
