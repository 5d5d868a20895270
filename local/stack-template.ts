// The worker stack's CloudFormation template, synthesized in-process from infra/ and cdk.json exactly as
// `npm run synth` defines it (cdk-nag included), without bundling the Lambdas. `npm start` derives what it
// creates on moto and how it wires the functions from it (stack-plan.ts), so local and deployed cannot drift.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnTemplate } from './stack-plan.ts';

/** The environment of cdk.json whose stack `npm start` mirrors. */
export const LOCAL_STACK_ENVIRONMENT = 'staging';

const CDK_JSON = fileURLToPath(new URL('../cdk.json', import.meta.url));

/**
 * Synthesizes the worker stack of one environment of cdk.json and returns its template. Takes a few
 * seconds (aws-cdk-lib is large), so callers start it early and do other work meanwhile.
 */
export async function synthWorkerTemplate(environmentName = LOCAL_STACK_ENVIRONMENT): Promise<CfnTemplate> {
  const [{ App }, { definePayoutApp }] = await Promise.all([
    import('aws-cdk-lib'),
    import('#infra/payout-app.ts'),
  ]);
  const cdkJson = JSON.parse(await readFile(CDK_JSON, 'utf8')) as { context: Record<string, unknown> };
  const outdir = await mkdtemp(join(tmpdir(), 'payouts-local-synth-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      // No esbuild run: the functions run from source locally, and the template is the same without it.
      context: { ...cdkJson.context, env: environmentName, 'aws:cdk:bundling-stacks': [] },
    });
    const { workerStack } = definePayoutApp(app);
    return app.synth().getStackByName(workerStack.stackName).template as CfnTemplate;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
