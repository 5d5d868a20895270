import { describe, expect, it } from 'vitest';
import { pauseCommand } from '#tools/pause/run-pause.ts';
import { resumeCommand } from '#tools/resume/run-resume.ts';
import { captureIo } from '../support/capture-io.ts';

describe('npm run pause / resume usage', () => {
  const run = async (command: typeof pauseCommand, ...argv: string[]) => {
    const io = captureIo();
    const code = await command({ aws: { region: 'us-east-1' } }).run(argv, io);
    return { code, out: io.out(), err: io.err() };
  };

  it('requires --reason, saying why', async () => {
    const result = await run(pauseCommand, '--table', 'ledger');

    expect(result.code).toBe(2);
    expect(result.err).toContain('--reason: is required: say why payouts are paused');
    expect(result.err).toContain('usage: npm run pause');
  });

  it('asks which ledger when neither --env nor --table is given', async () => {
    const paused = await run(pauseCommand, '--reason', 'incident');
    const resumed = await run(resumeCommand);

    expect([paused.code, resumed.code]).toEqual([2, 2]);
    expect(paused.err).toContain('say which ledger: --env NAME or --table NAME');
    expect(resumed.err).toContain('say which ledger: --env NAME or --table NAME');
  });

  it('prints its help with --help', async () => {
    const pause = await run(pauseCommand, '--help');
    const resume = await run(resumeCommand, '--help');

    expect([pause.code, resume.code]).toEqual([0, 0]);
    expect(pause.out).toMatch(/^usage: npm run pause -- /);
    expect(resume.out).toMatch(/^usage: npm run resume -- /);
  });
});
