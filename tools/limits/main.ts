import { runCli } from '../lib/cli.ts';
import { limitsCommand } from './run-limits.ts';

runCli(limitsCommand());
