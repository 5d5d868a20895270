import { describe, expect, it } from 'vitest';
import { formatInvocation, planCdk, resolveAwsTarget } from '#tools/deploy/plan.ts';
import { UsageError } from '#tools/lib/errors.ts';

const noAws = { profile: undefined, region: undefined, regionSource: undefined } as const;

describe('resolveAwsTarget', () => {
  it('takes --profile and --region over AWS_PROFILE, AWS_REGION and AWS_DEFAULT_REGION', () => {
    // Act
    const target = resolveAwsTarget(
      { profile: 'flag-profile', region: 'eu-central-1' },
      { AWS_PROFILE: 'env-profile', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' },
    );

    // Assert
    expect(target).toEqual({ profile: 'flag-profile', region: 'eu-central-1', regionSource: '--region' });
  });

  it('falls back to AWS_PROFILE, then AWS_REGION before AWS_DEFAULT_REGION', () => {
    // Act + Assert
    expect(
      resolveAwsTarget({}, { AWS_PROFILE: 'p', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'x' }),
    ).toEqual({
      profile: 'p',
      region: 'us-east-1',
      regionSource: 'AWS_REGION',
    });
    expect(resolveAwsTarget({}, { AWS_DEFAULT_REGION: 'us-west-2', AWS_REGION: '' })).toEqual({
      profile: undefined,
      region: 'us-west-2',
      regionSource: 'AWS_DEFAULT_REGION',
    });
    expect(resolveAwsTarget({}, {})).toEqual(noAws);
  });
});

describe('planCdk', () => {
  it('deploys the EgressIps stack, then the worker stack, with the project cdk, the environment and its outputs file', () => {
    // Act
    const plan = planCdk({
      action: 'deploy',
      environment: 'staging',
      configuredRegion: 'eu-west-1',
      adoptsElasticIps: false,
      aws: { profile: 'payouts', region: 'eu-west-1', regionSource: '--region' },
      yes: true,
    });

    // Assert
    expect(plan.stacks).toEqual(['CoindirectPayouts-staging-EgressIps', 'CoindirectPayouts-staging-Worker']);
    expect(plan.outputsFile).toBe('cdk.out/outputs-staging.json');
    expect(plan.invocations).toEqual([
      {
        command: 'node_modules/.bin/cdk',
        args: [
          'deploy',
          'CoindirectPayouts-staging-EgressIps',
          'CoindirectPayouts-staging-Worker',
          '-c',
          'env=staging',
          '--profile',
          'payouts',
          '--require-approval',
          'never',
          '--outputs-file',
          'cdk.out/outputs-staging.json',
        ],
        env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' },
      },
    ]);
  });

  it('leaves the approval to cdk without --yes, and the profile and region to the environment when not given', () => {
    // Act
    const plan = planCdk({
      action: 'deploy',
      environment: 'production',
      configuredRegion: undefined,
      adoptsElasticIps: false,
      aws: noAws,
      yes: false,
    });

    // Assert
    expect(plan.invocations[0]?.args).toEqual([
      'deploy',
      'CoindirectPayouts-production-EgressIps',
      'CoindirectPayouts-production-Worker',
      '-c',
      'env=production',
      '--outputs-file',
      'cdk.out/outputs-production.json',
    ]);
    expect(plan.invocations[0]?.env).toEqual({});
  });

  it('deploys only the worker stack when cdk.json adopts existing Elastic IPs', () => {
    // Act
    const plan = planCdk({
      action: 'deploy',
      environment: 'staging',
      configuredRegion: 'eu-west-1',
      adoptsElasticIps: true,
      aws: noAws,
      yes: true,
    });

    // Assert
    expect(plan.stacks).toEqual(['CoindirectPayouts-staging-Worker']);
    expect(plan.invocations[0]?.args.slice(0, 2)).toEqual(['deploy', 'CoindirectPayouts-staging-Worker']);
  });

  it('diffs the same stacks, with no outputs file and no approval flag', () => {
    // Act
    const plan = planCdk({
      action: 'diff',
      environment: 'staging',
      configuredRegion: 'eu-west-1',
      adoptsElasticIps: false,
      aws: { profile: 'payouts', region: 'eu-west-1', regionSource: 'AWS_REGION' },
      yes: false,
    });

    // Assert
    expect(plan.outputsFile).toBeUndefined();
    expect(plan.invocations[0]?.args).toEqual([
      'diff',
      'CoindirectPayouts-staging-EgressIps',
      'CoindirectPayouts-staging-Worker',
      '-c',
      'env=staging',
      '--profile',
      'payouts',
    ]);
  });

  it('refuses a --region other than the one cdk.json pins the environment to, naming both', () => {
    // Act
    const act = () =>
      planCdk({
        action: 'deploy',
        environment: 'staging',
        configuredRegion: 'eu-west-1',
        adoptsElasticIps: false,
        aws: { profile: undefined, region: 'us-east-1', regionSource: '--region' },
        yes: true,
      });

    // Assert
    expect(act).toThrow(UsageError);
    expect(act).toThrow(
      /--region us-east-1 contradicts cdk.json: environment "staging" deploys to eu-west-1/,
    );
  });

  it('lets AWS_REGION differ from the pinned region: cdk deploys to the pinned one', () => {
    // Act
    const plan = planCdk({
      action: 'diff',
      environment: 'staging',
      configuredRegion: 'eu-west-1',
      adoptsElasticIps: false,
      aws: { profile: undefined, region: 'us-east-1', regionSource: 'AWS_REGION' },
      yes: false,
    });

    // Assert
    expect(plan.stacks).toHaveLength(2);
  });
});

describe('formatInvocation', () => {
  it('shows the environment first and quotes what a shell would split', () => {
    // Act
    const line = formatInvocation({
      command: 'node_modules/.bin/cdk',
      args: ['deploy', '-c', 'env=staging', '--profile', "bob's profile"],
      env: { AWS_REGION: 'eu-west-1' },
    });

    // Assert
    expect(line).toBe(
      `AWS_REGION=eu-west-1 node_modules/.bin/cdk deploy -c env=staging --profile 'bob'\\''s profile'`,
    );
  });
});
