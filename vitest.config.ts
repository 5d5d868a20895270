import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (AWS mocked with aws-sdk-client-mock) and integration tests that talk to
// real processes on loopback (moto server, the Coindirect simulator). `npm test` runs both.
export const config = defineConfig({
  test: {
    // Under CI a JSON report as well, from which .ci/run prints a plain "N passed, N failed" line.
    reporters:
      process.env.CI === 'true'
        ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]]
        : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/support/moto-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

// Vitest loads the config's default export; this is the one default export the lint rule allows.
// biome-ignore lint/style/noDefaultExport: required by the Vitest config loader
export default config;
