import { runCli } from '../lib/cli.ts';
import { redriveCommand } from './run-redrive.ts';

runCli(redriveCommand());
