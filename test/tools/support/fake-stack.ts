import { randomUUID } from 'node:crypto';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { awsTestEnv } from '#test/support/integration.ts';
import { workerStackName } from '#tools/lib/stack.ts';

/**
 * Creates on moto a stack named like an environment's worker stack whose outputs are `outputs`, so a
 * tool's `--env NAME` can be run against resources provisioned by the test. Returns the env name.
 * `resources` are CloudFormation resources the stack also creates; outputs may refer to them (`Ref`).
 * `region`: where the stack is made (default moto's us-east-1).
 */
export async function createFakeWorkerStack(
  endpoint: string,
  outputs: Record<string, string | object>,
  resources: Record<string, object> = {},
  region?: string,
): Promise<string> {
  const env = `t${randomUUID().slice(0, 8)}`;
  const cfn = new CloudFormationClient(inRegion(endpoint, region));
  try {
    await cfn.send(
      new CreateStackCommand({
        StackName: workerStackName(env),
        TemplateBody: JSON.stringify({
          // moto wants at least one resource; a wait-condition handle costs nothing.
          Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' }, ...resources },
          Outputs: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
        }),
      }),
    );
  } finally {
    cfn.destroy();
  }
  return env;
}

/** moto's client settings, in `region` when one is given. */
export function inRegion(endpoint: string, region: string | undefined) {
  return region === undefined ? awsTestEnv(endpoint) : { ...awsTestEnv(endpoint), region };
}
