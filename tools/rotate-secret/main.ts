import { runCli } from '../lib/cli.ts';
import { rotateSecretCommand } from './run-rotate.ts';

runCli(rotateSecretCommand());
