import { runCli } from '../lib/cli.ts';
import { deployCommand } from './run-deploy.ts';

runCli(deployCommand());
