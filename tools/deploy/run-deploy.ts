// `npm run deploy -- --env NAME` and `npm run diff -- --env NAME`: refuse cdk.json placeholders, run the
// project's cdk on the environment's stacks (plan.ts), then say which egress IPs to whitelist.
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ENVIRONMENTS_CONTEXT_KEY, selectEnvironment } from '#infra/config.ts';
import { InfraConfigError } from '#infra/errors.ts';
import { ENVIRONMENT_NAME } from '#shared/deployment/stacks.ts';
import {
  AWS_FLAGS,
  AWS_FLAGS_HEADING,
  OUTPUT_FLAG,
  PROFILE_REGION_USAGE,
  wantsJson,
} from '../lib/aws-flags.ts';
import { type Command, type Output, parseFlags, runCommand, validateFlags } from '../lib/cli.ts';
import { CliError, UsageError } from '../lib/errors.ts';
import { type DeployedOutputs, parseDeployOutputs } from './outputs.ts';
import { findPlaceholders, formatPlaceholders } from './placeholders.ts';
import {
  type CdkAction,
  type CdkInvocation,
  type DeployPlan,
  formatInvocation,
  planCdk,
  resolveAwsTarget,
} from './plan.ts';

export const DEPLOY_USAGE = `usage: npm run deploy -- --env NAME [--yes] [options]
       npm run diff -- --env NAME [options]

deploy: deploys one environment of cdk.json with the project's own aws-cdk CLI, in one go:
  1. refuses to start while cdk.json still holds a sample value (merchant ID, alarm email, allocation ID,
     ...): lists every one with its path, and deploys nothing;
  2. deploys stack CoindirectPayouts-NAME-EgressIps (the Elastic IPs, kept forever), then
     CoindirectPayouts-NAME-Worker, whose NAT gateways take the allocation IDs from it. With
     egress.eipAllocationIds in cdk.json (Elastic IPs you already have) only the worker stack is deployed;
  3. prints the egress IPs to whitelist on the Coindirect API key (with "Allow withdrawals"), and the
     next step: store the key with npm run rotate-secret -- --env NAME.
diff: shows what a deploy would change in the same stacks (cdk diff); placeholders are listed as a
  warning, and nothing is changed.

Run once per account and region first: npx cdk bootstrap -c env=NAME

options:
  --env NAME            the environment: a block of cdk.json "context.environments"
  --yes                 deploy only: no approval prompt for security-relevant changes (cdk
                        --require-approval never); required when stdin is not a terminal
  --json                print the outcome as one JSON document on stdout (cdk's own output goes to stderr)
  --output json|text    --output json is --json; text is the default (alias: table)
  -h, --help            show this help

${AWS_FLAGS_HEADING}
${PROFILE_REGION_USAGE}
                          --region must match the environment's "region" in cdk.json when it has one.
  No --endpoint-url: cdk deploys to CloudFormation in AWS itself, never to an emulator.

exit codes: 0 deployed (diff: compared); 1 placeholders left in cdk.json, an invalid config, or cdk failed
(its message says why; a failed stack rolls back); 2 wrong usage.

examples:
  npm run diff -- --env staging
  npm run deploy -- --env staging --profile payouts-staging
  npm run deploy -- --env production --region eu-west-1 --yes --output json`;

const flagsSchema = z.object({
  env: z
    .string({ error: 'is required: the environment to deploy, e.g. --env staging' })
    .regex(ENVIRONMENT_NAME, 'must be an environment name from cdk.json such as "staging"'),
  yes: z.boolean().default(false),
});

/** Runs one cdk invocation in `cwd` and resolves to its exit code. cdk's stdout goes to `stdout`. */
export type CdkRunner = (
  invocation: CdkInvocation,
  options: {
    readonly cwd: string;
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly stdout: Output;
  },
) => Promise<number>;

export interface DeployDeps {
  /** Where cdk.json is and cdk runs: the project root by default. */
  readonly projectDir?: string;
  /** Replaces the cdk child process (the tests check the plan and feed an outputs file). */
  readonly runCdk?: CdkRunner;
}

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

export function deployCommand(deps: DeployDeps = {}): Command {
  return cdkCommand('deploy', deps);
}

export function diffCommand(deps: DeployDeps = {}): Command {
  return cdkCommand('diff', deps);
}

function cdkCommand(action: CdkAction, deps: DeployDeps): Command {
  return {
    usage: DEPLOY_USAGE,
    run: (argv, io) =>
      runCommand(io, DEPLOY_USAGE, async () => {
        // The shared AWS flags, --endpoint-url included, so that one gets a reason rather than "unknown".
        const { values, positionals } = parseFlags(argv, {
          env: { type: 'string' },
          json: { type: 'boolean' },
          ...OUTPUT_FLAG,
          ...AWS_FLAGS,
          ...(action === 'deploy' ? { yes: { type: 'boolean' } } : {}),
        });
        if (values.help) {
          io.stdout.write(`${DEPLOY_USAGE}\n`);
          return 0;
        }
        if (values['endpoint-url'] !== undefined) {
          throw new UsageError(
            `--endpoint-url is not taken by npm run ${action}: cdk ${action}s against CloudFormation in AWS itself; for a local run see docs/local.md`,
          );
        }
        if (positionals.length > 0) {
          throw new UsageError(
            `unexpected argument "${positionals[0]}": name the environment with --env NAME`,
          );
        }
        const json = wantsJson(values);
        const aws = resolveAwsTarget(values, io.env);
        const flags = validateFlags(flagsSchema, { env: values.env, yes: values.yes });
        if (action === 'deploy' && !flags.yes && io.stdin.isTTY !== true) {
          throw new UsageError(
            'stdin is not a terminal, so cdk could not ask for approval: pass --yes to deploy without asking',
          );
        }

        const projectDir = deps.projectDir ?? PROJECT_DIR;
        const { block, adoptsElasticIps, configuredRegion, alarmEmail } = await loadEnvironment(
          projectDir,
          flags.env,
        );
        const placeholders = findPlaceholders(block, `context.${ENVIRONMENTS_CONTEXT_KEY}.${flags.env}`);
        if (placeholders.length > 0) {
          const list = formatPlaceholders(placeholders);
          if (action === 'deploy') {
            throw new CliError(
              `cdk.json still holds ${placeholders.length} sample value(s) for environment "${flags.env}"; nothing was deployed. Replace each:\n${list}`,
            );
          }
          io.stderr.write(
            `warning: cdk.json still holds ${placeholders.length} sample value(s); a deploy refuses them:\n${list}\n`,
          );
        }

        const plan = planCdk({
          action,
          environment: flags.env,
          configuredRegion,
          adoptsElasticIps,
          aws,
          yes: flags.yes,
        });
        if (plan.outputsFile !== undefined) await rm(join(projectDir, plan.outputsFile), { force: true });
        const runCdk = deps.runCdk ?? spawnCdk;
        for (const invocation of plan.invocations) {
          io.stderr.write(`running: ${formatInvocation(invocation)}\n`);
          const code = await runCdk(invocation, {
            cwd: projectDir,
            env: io.env,
            stdout: json ? io.stderr : io.stdout,
          });
          if (code !== 0) {
            throw new CliError(
              `cdk ${action} exited with ${code}: its messages above say why${action === 'deploy' ? ' (a stack that failed rolled back; fix the cause and run the deploy again)' : ''}`,
            );
          }
        }
        if (plan.outputsFile === undefined) {
          if (json)
            io.stdout.write(
              `${JSON.stringify({ action, environment: flags.env, stacks: plan.stacks, placeholders })}\n`,
            );
          return 0;
        }

        const outputsPath = join(projectDir, plan.outputsFile);
        const outputs = parseDeployOutputs(await readOutputsFile(outputsPath), flags.env, plan.outputsFile);
        const rotate = nextCommand('rotate-secret', flags.env, values);
        if (json) {
          io.stdout.write(`${JSON.stringify(deployReport(plan, outputs, rotate))}\n`);
        } else {
          io.stdout.write(formatDeployReport(plan, outputs, rotate, alarmEmail));
        }
        return 0;
      }),
  };
}

interface LoadedEnvironment {
  /** The raw block of cdk.json, as written (the placeholder check reads what the user wrote). */
  readonly block: unknown;
  readonly adoptsElasticIps: boolean;
  readonly configuredRegion: string | undefined;
  readonly alarmEmail: string;
}

/** Reads cdk.json and validates the environment's block the way synth does (infra/config.ts). */
async function loadEnvironment(projectDir: string, name: string): Promise<LoadedEnvironment> {
  const file = join(projectDir, 'cdk.json');
  let environments: unknown;
  try {
    const cdkJson = JSON.parse(await readFile(file, 'utf8')) as { context?: Record<string, unknown> };
    environments = cdkJson.context?.[ENVIRONMENTS_CONTEXT_KEY];
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (typeof environments === 'object' && environments !== null && !Object.hasOwn(environments, name)) {
    throw new UsageError(
      `--env ${name}: cdk.json has no such environment; it has: ${Object.keys(environments).join(', ')}`,
    );
  }
  try {
    const { config } = selectEnvironment({ env: name, environments });
    return {
      block: (environments as Record<string, unknown>)[name],
      adoptsElasticIps: config.egress.eipAllocationIds !== undefined,
      configuredRegion: config.region,
      alarmEmail: config.alarms.email,
    };
  } catch (error) {
    if (error instanceof InfraConfigError) throw new CliError(error.message);
    throw error;
  }
}

async function readOutputsFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cdk reported success but wrote no outputs to ${path}: ${(error as Error).message}`);
  }
}

/** The follow-up command with the same `--profile` and `--region` the operator gave. */
function nextCommand(
  script: string,
  environment: string,
  flags: { readonly profile?: string | undefined; readonly region?: string | undefined },
): string {
  const extra = [
    ...(flags.profile === undefined ? [] : ['--profile', flags.profile]),
    ...(flags.region === undefined ? [] : ['--region', flags.region]),
  ];
  return ['npm run', script, '--', '--env', environment, ...extra].join(' ');
}

function deployReport(plan: DeployPlan, outputs: DeployedOutputs, rotate: string) {
  return {
    action: plan.action,
    environment: plan.environment,
    stacks: plan.stacks,
    egressIps: outputs.egressIps,
    hawkSecretArn: outputs.hawkSecretArn ?? null,
    webhookUrl: outputs.webhookUrl ?? null,
    nextStep: rotate,
  };
}

function formatDeployReport(
  plan: DeployPlan,
  outputs: DeployedOutputs,
  rotate: string,
  alarmEmail: string,
): string {
  const ips = outputs.egressIps.map(
    ({ output, publicIp, allocationId }) =>
      `  ${publicIp.padEnd(15)}  (${output}${allocationId === undefined ? '' : `, ${allocationId}`})`,
  );
  return [
    `Deployed ${plan.stacks.join(', ')}.`,
    '',
    'Whitelist exactly these egress IPs on the Coindirect API key, with "Allow withdrawals" on',
    "(a key's whitelist cannot be edited later; the sandbox key for a sandbox environment):",
    ...ips,
    '',
    'Next:',
    `  1. Store the key, checked from inside the VPC:  ${rotate}`,
    `  2. Confirm the subscription mail sent to ${alarmEmail}, or alarms go nowhere.`,
    '  3. Register the webhook URL and its secret: docs/operations.md, "Set up webhooks".',
    '',
  ].join('\n');
}

/** Runs the project's cdk as a child process: stdin and stderr shared (its prompts), stdout forwarded. */
const spawnCdk: CdkRunner = (invocation, { cwd, env, stdout }) =>
  new Promise((resolve, reject) => {
    const child = spawn(join(cwd, invocation.command), [...invocation.args], {
      cwd,
      env: { ...env, ...invocation.env },
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (chunk: Buffer) => void stdout.write(chunk.toString()));
    child.on('error', (error) =>
      reject(
        new CliError(
          `could not start ${invocation.command} (${error.message}): run npm ci in ${cwd} to install the pinned aws-cdk`,
        ),
      ),
    );
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
