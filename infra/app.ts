// CDK app entry (cdk.json "app"): `npx cdk synth -c env=staging`.
import { App } from 'aws-cdk-lib';
import { InfraConfigError } from './errors.ts';
import { definePayoutApp } from './payout-app.ts';

const app = new App({ autoSynth: false });
try {
  definePayoutApp(app);
  app.synth();
} catch (error) {
  if (!(error instanceof InfraConfigError)) throw error;
  // A config mistake is the user's to fix: print what is wrong, not a stack trace.
  console.error(error.message);
  process.exitCode = 1;
}
