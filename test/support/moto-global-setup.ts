// Vitest globalSetup of the integration project: one moto server for the whole run, its endpoint
// handed to the tests with `inject('motoEndpoint')` (see integration.ts). Tests share that server, so
// each one names its queues, tables and secrets uniquely.
import type { TestProject } from 'vitest/node';
import { findMotoServer, type MotoServer, startMoto } from '#local/moto.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** moto's `http://127.0.0.1:PORT`, or null when moto is missing on a developer machine. */
    motoEndpoint: string | null;
  }
}

let moto: MotoServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const found = await findMotoServer();
  if ('error' in found) {
    // In CI a missing emulator must fail the run; locally the integration tests skip themselves.
    if (process.env.CI === 'true') throw new Error(found.error);
    console.warn(warning(found.error));
    project.provide('motoEndpoint', null);
    return;
  }
  moto = await startMoto({ command: found });
  project.provide('motoEndpoint', moto.endpoint);
}

export async function teardown(): Promise<void> {
  await moto?.stop();
  moto = undefined;
}

function warning(error: string): string {
  const rule = '!'.repeat(78);
  return [
    '',
    rule,
    '!! moto server is not available: the integration tests that need AWS are SKIPPED.',
    ...error.split('\n').map((line) => `!! ${line}`),
    '!! (Under CI=true this is an error, not a skip.)',
    rule,
    '',
  ].join('\n');
}
