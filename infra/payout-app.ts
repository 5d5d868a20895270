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
  readonly egressIpStack: EgressIpStack;
  readonly workerStack: WorkerStack;
}

/**
 * Defines the environment chosen with `-c env=<name>` on `app`: the Elastic IP stack and the worker
 * stack, tagged, with the cdk-nag AwsSolutions checks run at synth (a violation fails the synth).
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

  const egressIpStack = new EgressIpStack(app, names.egressIps, {
    ...env,
    environmentName: name,
    count: config.egress.natGateways,
    description: `Coindirect payouts (${name}): Elastic IPs for the worker's NAT gateways, kept forever`,
  });
  const workerStack = new WorkerStack(app, names.worker, {
    ...env,
    environmentName: name,
    config,
    terminationProtection: config.retainData,
    description: `Coindirect payouts (${name}): payout queue, worker Lambda, ledger, alarms`,
  });

  for (const stack of [egressIpStack, workerStack]) {
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
