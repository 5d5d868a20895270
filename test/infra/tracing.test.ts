import { describe, expect, it } from 'vitest';
import { synthPayoutApp, type TemplateResource } from './payout-app-fixture.ts';

/**
 * CDK's own deploy-time helpers, which CloudFormation runs while deploying and no payout goes through:
 * the provider of the VPC's default-security-group restriction (`__entrypoint__.handler`) and the
 * `AwsCustomResource` singleton reading the Elastic IPs (its fixed logical-ID prefix). Their constructs
 * offer no tracing setting.
 */
const isCdkDeployHelper = (id: string, fn: TemplateResource): boolean =>
  fn.Properties?.Handler === '__entrypoint__.handler' || id.startsWith('AWS679f53fac002430cb0da5b7982bd2287');

/** A function's environment variables. */
const variablesOf = (fn: TemplateResource): Record<string, string> =>
  (fn.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};

describe('tracing and Powertools settings (staging synth)', () => {
  it('runs every function of the service with active X-Ray tracing', () => {
    const { worker, egressIps } = synthPayoutApp('staging');
    const functions = [worker, egressIps].flatMap((template) =>
      template === undefined
        ? []
        : Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, TemplateResource>),
    );

    const service = functions.filter(([id, fn]) => !isCdkDeployHelper(id, fn));
    const services = service.map(([, fn]) => variablesOf(fn).POWERTOOLS_SERVICE_NAME);

    expect(services.sort()).toEqual(['payout-status', 'payout-sweep', 'payout-webhook', 'payout-worker']);
    for (const [id, fn] of service) {
      expect({ id, tracing: fn.Properties?.TracingConfig }).toEqual({ id, tracing: { Mode: 'Active' } });
    }
  });

  it("sets Powertools' own variables on every function of the service, and not the old names", () => {
    const { worker } = synthPayoutApp('staging');
    const functions = Object.entries(
      worker.findResources('AWS::Lambda::Function') as Record<string, TemplateResource>,
    ).filter(([id, fn]) => !isCdkDeployHelper(id, fn));

    const settings = functions.map(([, fn]) => {
      const v = variablesOf(fn);
      return [v.POWERTOOLS_METRICS_NAMESPACE, v.POWERTOOLS_LOG_LEVEL, v.METRICS_NAMESPACE, v.LOG_LEVEL];
    });

    expect(settings).toHaveLength(4);
    expect(new Set(settings.map((s) => JSON.stringify(s)))).toEqual(
      new Set([JSON.stringify(['CoindirectPayouts', 'INFO', undefined, undefined])]),
    );
  });
});
