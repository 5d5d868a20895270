import { runCli } from '../lib/cli.ts';
import { enqueueCommand } from './run-enqueue.ts';

runCli(enqueueCommand());
