import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (AWS mocked with aws-sdk-client-mock) and integration tests that talk to
// real processes on loopback (moto server, the Coindirect simulator). `npm test` runs both.
export const config = defineConfig({
  test: {
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
