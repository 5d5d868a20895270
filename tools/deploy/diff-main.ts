import { runCli } from '../lib/cli.ts';
import { diffCommand } from './run-deploy.ts';

runCli(diffCommand());
