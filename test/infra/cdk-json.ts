import { readFileSync } from 'node:fs';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/** The `context` block of the real cdk.json: feature flags and every environment's config. */
export const cdkContext: Readonly<Record<string, unknown>> = cdkJson.context;

/** The environments cdk.json defines; each infra test runs against both. */
export const environmentNames = ['staging', 'production'] as const;

/** The raw (unvalidated) config block of one environment in cdk.json. */
export function rawEnvironment(name: string): Record<string, unknown> {
  const environments = cdkContext.environments as Record<string, Record<string, unknown>>;
  const block = environments[name];
  if (!block) throw new Error(`cdk.json has no environment "${name}"`);
  return structuredClone(block);
}

/** Allocation IDs of Elastic IPs "already whitelisted": not the documentation's samples. */
export const ADOPTED_ALLOCATION_IDS = [
  'eipalloc-0a1b2c3d4e5f60718',
  'eipalloc-0a1b2c3d4e5f60719',
  'eipalloc-0a1b2c3d4e5f6071a',
] as const;

/** The environment's cdk.json block with `egress.eipAllocationIds` adopting one existing IP per NAT gateway. */
export function adoptingEnvironment(name: string): Record<string, unknown> {
  const block = rawEnvironment(name);
  const egress = block.egress as { natGateways: number };
  block.egress = { ...egress, eipAllocationIds: ADOPTED_ALLOCATION_IDS.slice(0, egress.natGateways) };
  return block;
}
