/**
 * Writes schema/payout-v1.schema.json from the zod definition (`npm run schema`), or with `--check`
 * fails when the committed file is missing or differs (`npm run schema:check`, run in CI).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { payoutJsonSchema } from '#shared/payout/json-schema.ts';

const USAGE = `usage: npm run schema            write schema/payout-v1.schema.json from shared/payout/schema.ts
       npm run schema:check      exit 1 when the committed file is missing or differs (CI runs it)`;

const target = fileURLToPath(new URL('../schema/payout-v1.schema.json', import.meta.url));
const expected = `${JSON.stringify(payoutJsonSchema(), null, 2)}\n`;

let flags: { check?: boolean | undefined; help?: boolean | undefined };
try {
  flags = parseArgs({
    options: { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }).values;
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}

if (flags.help) {
  console.log(USAGE);
} else if (flags.check) {
  const committed = await readFile(target, 'utf8').catch(() => undefined);
  if (committed !== expected) {
    console.error(
      committed === undefined
        ? `schema/payout-v1.schema.json is missing. Run \`npm run schema\` and commit the file.`
        : 'schema/payout-v1.schema.json is out of date with shared/payout/schema.ts. ' +
            'Run `npm run schema` and commit the result.',
    );
    process.exit(1);
  }
  console.log('schema/payout-v1.schema.json is up to date.');
} else {
  await writeFile(target, expected, 'utf8');
  console.log('wrote schema/payout-v1.schema.json');
}
