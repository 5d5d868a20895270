import { type App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackNames } from '#shared/deployment/stacks.ts';
import {
  ENV_CONTEXT_KEY,
  ENVIRONMENTS_CONTEXT_KEY,
  type EnvironmentConfig,
  type SelectedEnvironment,
  selectEnvironment,
} from './config.ts';
import { EgressIpStack } from './stacks/egress-ip-stack.ts';
import { WorkerStack } from './stacks/worker-stack.ts';

/** The stacks of one environment, as defined on an app. */
export interface PayoutApp {
  readonly environment: SelectedEnvironment;
  /** Undefined when `egress.eipAllocationIds` adopts existing Elastic IPs: nothing is left to allocate. */
  readonly egressIpStack: EgressIpStack | undefined;
  readonly workerStack: WorkerStack;
}

/**
 * Defines the environment chosen with `-c env=<name>` on `app`: the Elastic IP stack (unless
 * `egress.eipAllocationIds` adopts existing addresses) and the worker stack, tagged, with the cdk-nag
 * AwsSolutions checks run at synth (a violation fails the synth). The worker's NAT gateways take the
 * allocation IDs from the Elastic IP stack by a weak cross-stack reference (`Fn::GetStackOutput`, the
 * `@aws-cdk/core:defaultCrossStackReferences` flag in cdk.json), or the configured ones as literals: see
 * docs/decisions.md, "Why NAT gateways on Elastic IPs".
 *
 * @throws InfraConfigError when no environment is chosen or its config is invalid.
 */
export function definePayoutApp(app: App): PayoutApp {
  const environment = selectEnvironment({
    env: app.node.tryGetContext(ENV_CONTEXT_KEY),
    environments: app.node.tryGetContext(ENVIRONMENTS_CONTEXT_KEY),
  });
  const { name, config } = environment;
  const env = deployTarget(config);
  const names = stackNames(name);

  const adopted = config.egress.eipAllocationIds;
  const egressIpStack =
    adopted === undefined
      ? new EgressIpStack(app, names.egressIps, {
          ...env,
          environmentName: name,
          count: config.egress.natGateways,
          description: `Coindirect payouts (${name}): Elastic IPs for the worker's NAT gateways, kept forever`,
        })
      : undefined;
  const workerStack = new WorkerStack(app, names.worker, {
    ...env,
    environmentName: name,
    config,
    eipAllocationIds: adopted ?? (egressIpStack as EgressIpStack).allocationIds,
    terminationProtection: config.retainData,
    description: `Coindirect payouts (${name}): payout queue, worker Lambda, ledger, alarms`,
  });

  for (const stack of egressIpStack ? [egressIpStack, workerStack] : [workerStack]) {
    Tags.of(stack).add('project', 'coindirect-payouts');
    Tags.of(stack).add('environment', name);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { environment, egressIpStack, workerStack };
}

// Only the fields the config sets: an unset account or region leaves the stack env-agnostic for it.
function deployTarget(config: EnvironmentConfig): { env?: Environment } {
  if (config.account === undefined && config.region === undefined) return {};
  return {
    env: {
      ...(config.account !== undefined ? { account: config.account } : {}),
      ...(config.region !== undefined ? { region: config.region } : {}),
    },
  };
}
