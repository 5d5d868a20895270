import { runCli } from '../lib/cli.ts';
import { payoutStatusCommand } from './run-payout-status.ts';

runCli(payoutStatusCommand());
