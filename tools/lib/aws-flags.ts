// The flags every operator command shares with the AWS CLI: `--profile`, `--region`, `--endpoint-url`, and
// `--output json|text` beside `--json`. A flag wins over the environment, as in the AWS CLI
// (docs/operations.md, "Common flags").
//
// A command takes them by parsing with parseOperatorFlags instead of parseFlags, using the `aws` it returns
// instead of `deps.aws ?? {}`, and putting AWS_FLAGS_USAGE (and, with --json, an `--output json|text` line)
// in its usage text. deploy and diff, which run cdk against CloudFormation itself, take only `--profile`
// and `--region` (resolveAwsTarget, PROFILE_REGION_USAGE) and refuse `--endpoint-url`.
import { type CliIo, type FlagOptions, parseFlags } from './cli.ts';
import { UsageError } from './errors.ts';
import type { AwsOptions } from './stack.ts';

/** The AWS flags, to spread into a command's `parseFlags` options. */
export const AWS_FLAGS = {
  profile: { type: 'string' },
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

/** `--output`, accepted beside `--json` by the commands that print JSON. */
export const OUTPUT_FLAG = { output: { type: 'string' } } as const;

export const OUTPUT_FORMATS = ['json', 'text', 'table'] as const;

/** The heading of the AWS flags in a command's usage text. */
export const AWS_FLAGS_HEADING = 'AWS (as in the AWS CLI; a flag wins over the environment variable named):';

/** The help lines of `--profile` and `--region`: all that deploy and diff take (cdk has no endpoint). */
export const PROFILE_REGION_USAGE = `  --profile NAME          the profile in ~/.aws/config and ~/.aws/credentials: its credentials (SSO
                          included) and, without --region, its region (default: AWS_PROFILE)
  --region REGION         the region of the stack (default: AWS_REGION, else AWS_DEFAULT_REGION, else
                          the profile's region)`;

/** The help lines of {@link AWS_FLAGS}, for a command's usage text. */
export const AWS_FLAGS_USAGE = `${AWS_FLAGS_HEADING}
${PROFILE_REGION_USAGE}
  --endpoint-url URL      send every AWS call to URL, e.g. a local emulator (default: AWS_ENDPOINT_URL)`;

/** The values of {@link AWS_FLAGS} as `parseArgs` returns them. */
export interface AwsFlagValues {
  readonly profile?: string | undefined;
  readonly region?: string | undefined;
  readonly 'endpoint-url'?: string | undefined;
}

/**
 * The SDK client settings from the flags, then the environment `env` (the command's `io.env`), then `base`
 * (a test's client settings, or nothing: the SDK's defaults).
 *
 * - profile: `--profile`, else `AWS_PROFILE`. Passed to the SDK as the client's `profile`: it takes the
 *   credentials of that profile (and not AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), and its region when
 *   none is set below.
 * - region: `--region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION` (the AWS CLI reads it; the SDK
 *   does not), else left to the SDK: the profile's region in the config file.
 * - endpoint: `--endpoint-url`; without it the SDK applies `AWS_ENDPOINT_URL_<SERVICE>`,
 *   `AWS_ENDPOINT_URL` and the profile's `endpoint_url` itself, with the AWS CLI's precedence.
 */
export function awsOptionsFrom(
  flags: AwsFlagValues,
  env: Readonly<Record<string, string | undefined>>,
  base: AwsOptions = {},
): AwsOptions {
  const { profile, region } = resolveAwsTarget(flags, env);
  const endpoint = first([flags['endpoint-url'], '--endpoint-url']);
  return {
    ...base,
    ...(profile === undefined ? {} : { profile }),
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint: checkEndpoint(endpoint.value) }),
  };
}

/** The profile and region an AWS CLI command would use, and where the region came from. */
export interface AwsTarget {
  /** `--profile`, else AWS_PROFILE; undefined: the default credential chain. */
  readonly profile: string | undefined;
  /** `--region`, else AWS_REGION, else AWS_DEFAULT_REGION; undefined: the profile's region. */
  readonly region: string | undefined;
  /** Where the region came from, to name it in an error. */
  readonly regionSource: RegionSource | undefined;
}

type RegionSource = '--region' | 'AWS_REGION' | 'AWS_DEFAULT_REGION';

/**
 * `--profile` over AWS_PROFILE, `--region` over AWS_REGION over AWS_DEFAULT_REGION, as the AWS CLI
 * takes them. An empty flag or a malformed region is a usage error naming where it came from; an empty
 * variable counts as unset.
 */
export function resolveAwsTarget(
  flags: Pick<AwsFlagValues, 'profile' | 'region'>,
  env: Readonly<Record<string, string | undefined>>,
): AwsTarget {
  const profile = first([flags.profile, '--profile'], [env.AWS_PROFILE, 'AWS_PROFILE']);
  const region = first<RegionSource>(
    [flags.region, '--region'],
    [env.AWS_REGION, 'AWS_REGION'],
    [env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION'],
  );
  return {
    profile: profile?.value,
    region: region === undefined ? undefined : checkRegion(region.value, region.source),
    regionSource: region?.source,
  };
}

/**
 * Whether the command prints JSON: `--json` or `--output json`. `--output text` (or `table`) is the
 * default; any other value, or `--json` with `--output text`, is a usage error.
 */
export function wantsJson(values: {
  readonly json?: boolean | undefined;
  readonly output?: string | undefined;
}): boolean {
  const { output } = values;
  if (output === undefined) return values.json === true;
  if (!(OUTPUT_FORMATS as readonly string[]).includes(output)) {
    throw new UsageError(`--output must be json or text, got "${output}"`);
  }
  if (values.json === true && output !== 'json') {
    throw new UsageError(`--json and --output ${output} disagree: give one of them`);
  }
  return output === 'json';
}

/**
 * `parseFlags` for an operator command: its own `options` plus {@link AWS_FLAGS} and, when the command has
 * `--json`, {@link OUTPUT_FLAG} (folded into `values.json`). Returns the SDK settings as well.
 *
 * @example
 * const { values, positionals, aws } = parseOperatorFlags(argv, io, deps.aws, { env: { type: 'string' } });
 * new SQSClient(aws);
 */
export function parseOperatorFlags<const O extends FlagOptions>(
  argv: readonly string[],
  io: Pick<CliIo, 'env'>,
  base: AwsOptions | undefined,
  options: O,
) {
  const hasJson = 'json' in options;
  const parsed = parseFlags(argv, { ...options, ...AWS_FLAGS, ...(hasJson ? OUTPUT_FLAG : {}) });
  const all = parsed.values as typeof parsed.values & AwsFlagValues & { json?: boolean; output?: string };
  const aws = awsOptionsFrom(all, io.env, base);
  const { profile: _p, region: _r, 'endpoint-url': _e, output: _o, ...own } = all;
  const values = (hasJson ? { ...own, json: wantsJson(all) } : own) as Omit<
    typeof parsed.values,
    keyof typeof AWS_FLAGS | 'output'
  >;
  return { values, positionals: parsed.positionals, aws };
}

/** The first value given, with where it came from; an empty flag is an error, an empty variable unset. */
function first<S extends string>(
  ...candidates: ReadonlyArray<readonly [string | undefined, S]>
): { readonly value: string; readonly source: S } | undefined {
  for (const [value, source] of candidates) {
    if (value === undefined) continue;
    if (value.trim() !== '') return { value: value.trim(), source };
    if (source.startsWith('--')) throw new UsageError(`${source} must not be empty`);
  }
  return undefined;
}

/** A region name such as eu-west-1 (or an emulator's own): letters, digits and dashes. */
function checkRegion(region: string, source: string): string {
  if (!/^[a-z0-9-]{1,64}$/i.test(region)) {
    throw new UsageError(`${source} must be a region such as eu-west-1, got "${region}"`);
  }
  return region;
}

function checkEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--endpoint-url must be a URL such as http://localhost:5000, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got "${url}"`);
  }
  return url;
}
