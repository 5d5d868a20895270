import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { environmentNames, synthPayoutApp } from './payout-app-fixture.ts';

/** Every `Validations.acknowledge` in the app: construct path → rule ID → reason. */
function acknowledgments(scope: IConstruct): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        found.set(construct.node.path, { ...found.get(construct.node.path), ...entry.data });
      }
    }
  }
  return found;
}

describe.each(environmentNames)('cdk-nag AwsSolutions (%s)', (name) => {
  it('finds no unacknowledged violation in either stack', () => {
    const { app } = synthPayoutApp(name);

    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);

    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the known findings, each with a written reason', () => {
    const { app } = synthPayoutApp(name);

    const nagRules = [...acknowledgments(app).values()]
      .flatMap((rules) => Object.entries(rules))
      .map(([id, reason]) => ({ id: id.replace(/^Annotation::/i, ''), reason }))
      .filter(({ id }) => id.startsWith('AwsSolutions-'));

    expect(new Set(nagRules.map(({ id }) => id))).toEqual(
      new Set([
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-SMG4',
        'AwsSolutions-SNS2',
      ]),
    );
    for (const { reason } of nagRules) expect(reason.length).toBeGreaterThan(40);
  });
});
