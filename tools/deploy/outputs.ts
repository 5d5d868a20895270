// The outputs `cdk deploy --outputs-file` wrote, turned into what the operator does next: the egress IPs to
// whitelist on the Coindirect key. Output keys: shared/deployment/stacks.ts.
import { egressIpOutput, stackNames, WORKER_STACK_OUTPUTS } from '#shared/deployment/stacks.ts';
import { CliError } from '../lib/errors.ts';

/** One egress IP of the deployed worker stack: the public IP a NAT gateway sends from. */
export interface EgressIpOutput {
  /** The output key, `EgressIp1`, `EgressIp2`, … */
  readonly output: string;
  readonly publicIp: string;
  /** From the EgressIps stack's `EgressIp<n>AllocationId`, when that stack was deployed. */
  readonly allocationId: string | undefined;
}

export interface DeployedOutputs {
  readonly egressIps: readonly EgressIpOutput[];
  readonly hawkSecretArn: string | undefined;
  readonly webhookUrl: string | undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** Far more than any config allows (3 NAT gateways); only bounds the scan. */
const MAX_EGRESS_IPS = 16;

/**
 * Reads the outputs file of one environment's deploy (`{"<stack name>": {"<output key>": "<value>"}}`).
 * The egress IPs come from the worker stack's `EgressIp<n>` outputs: the addresses its NAT gateways really
 * use, whether the EgressIps stack allocated them or cdk.json adopted existing ones.
 *
 * @throws CliError when the file is not such JSON, or the worker stack or its egress IPs are missing from it.
 */
export function parseDeployOutputs(text: string, environment: string, file: string): DeployedOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${file} is not JSON (${(error as Error).message}); cdk wrote it, so re-run the deploy`,
    );
  }
  const names = stackNames(environment);
  const worker = stackOutputs(parsed, names.worker);
  if (worker === undefined) {
    throw new CliError(
      `${file} has no outputs of stack ${names.worker}: the deploy did not reach it. Look up its outputs with: aws cloudformation describe-stacks --stack-name ${names.worker}`,
    );
  }
  const egress = stackOutputs(parsed, names.egressIps) ?? {};

  const egressIps: EgressIpOutput[] = [];
  for (let index = 0; index < MAX_EGRESS_IPS; index++) {
    const output = egressIpOutput(index);
    const publicIp = worker[output];
    if (publicIp === undefined) break;
    if (!IPV4.test(publicIp)) {
      throw new CliError(
        `${file}: output ${output} of ${names.worker} is not an IPv4 address: ${JSON.stringify(publicIp)}`,
      );
    }
    egressIps.push({ output, publicIp, allocationId: egress[`${output}AllocationId`] });
  }
  if (egressIps.length === 0) {
    throw new CliError(
      `${file}: stack ${names.worker} has no ${egressIpOutput(0)} output (deployed from an older version?)`,
    );
  }
  return {
    egressIps,
    hawkSecretArn: worker[WORKER_STACK_OUTPUTS.hawkSecretArn],
    webhookUrl: worker[WORKER_STACK_OUTPUTS.webhookUrl],
  };
}

function stackOutputs(parsed: unknown, stackName: string): Record<string, string> | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const outputs = (parsed as Record<string, unknown>)[stackName];
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) return undefined;
  return Object.fromEntries(
    Object.entries(outputs).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
