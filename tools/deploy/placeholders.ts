// The sample values cdk.json ships with, found in an environment block before anything is deployed: a
// deploy with them fails late (a fake Elastic IP allocation) or quietly (alarms mailed to example.com,
// payouts from a merchant that does not exist).

/** One value still to fill in: where it is in cdk.json, what it holds, and what to put there instead. */
export interface Placeholder {
  /** Path in cdk.json, e.g. `context.environments.staging.alarms.email`. */
  readonly path: string;
  readonly value: string;
  readonly hint: string;
}

interface Rule {
  readonly matches: (value: string) => boolean;
  readonly hint: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * A random UUID has about two zero digits out of 32; the samples (`00000000-0000-4000-8000-00000000a001`)
 * have 25 or more. At 16 a real ID is astronomically unlikely to be taken for a sample.
 */
const MIN_ZEROS_OF_A_SAMPLE_UUID = 16;
/** Domains reserved for examples and tests (RFC 2606, RFC 6761): nothing there reads a mail or serves a URL. */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$/i;
/** The documentation's sample allocation IDs: `eipalloc-0123456789abcdef0`, `…abcdef1`, … */
const SAMPLE_ALLOCATION_ID = /^eipalloc-(0123456789abcdef|0{8,17}$)/;
/** Account IDs used in examples: `123456789012` and a digit repeated twelve times. */
const SAMPLE_ACCOUNT = /^(123456789012|(\d)\2{11})$/;

const RULES: readonly Rule[] = [
  {
    matches: (value) => UUID.test(value) && (value.match(/0/g)?.length ?? 0) >= MIN_ZEROS_OF_A_SAMPLE_UUID,
    hint: 'a sample ID (mostly zeros): put your Coindirect merchant ID (MID), from the business UI',
  },
  {
    matches: (value) => /^[^@\s]+@[^@\s]+$/.test(value) && RESERVED_DOMAIN.test(value.split('@')[1] ?? ''),
    hint: 'an example address that reaches nobody: put the address alarms should go to',
  },
  {
    matches: (value) => {
      if (!/^https?:\/\//i.test(value)) return false;
      try {
        return RESERVED_DOMAIN.test(new URL(value).hostname);
      } catch {
        return false;
      }
    },
    hint: 'an example URL: put the real one, or remove the field to use the default',
  },
  {
    matches: (value) => SAMPLE_ALLOCATION_ID.test(value),
    hint: 'a sample allocation ID: put your own (aws ec2 describe-addresses), or remove egress.eipAllocationIds to have the EgressIps stack allocate the Elastic IPs',
  },
  {
    matches: (value) => SAMPLE_ACCOUNT.test(value),
    hint: 'a sample account ID: put your 12-digit AWS account ID, or remove the field to deploy to the account of your credentials',
  },
];

/**
 * Every sample value in one environment's cdk.json block, in document order. Looks at each string,
 * however deeply nested, so a sample pasted into any field is found, not only the shipped ones.
 *
 * @param block the raw block `context.environments.<name>` of cdk.json
 * @param basePath the block's own path, which each {@link Placeholder.path} starts with
 * @example
 * findPlaceholders({ alarms: { email: 'ops@example.com' } }, 'context.environments.staging');
 * // [{ path: 'context.environments.staging.alarms.email', value: 'ops@example.com', hint: '…' }]
 */
export function findPlaceholders(block: unknown, basePath: string): Placeholder[] {
  const found: Placeholder[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      const rule = RULES.find((candidate) => candidate.matches(value));
      if (rule !== undefined) found.push({ path, value, hint: rule.hint });
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${path}[${index}]`);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`);
    }
  };
  visit(block, basePath);
  return found;
}

/** The placeholders as the lines an operator reads: path, value, what to put instead. */
export function formatPlaceholders(placeholders: readonly Placeholder[]): string {
  return placeholders
    .map(({ path, value, hint }) => `  ${path}: ${JSON.stringify(value)}\n      ${hint}`)
    .join('\n');
}
