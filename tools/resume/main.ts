import { runCli } from '../lib/cli.ts';
import { resumeCommand } from './run-resume.ts';

runCli(resumeCommand());
