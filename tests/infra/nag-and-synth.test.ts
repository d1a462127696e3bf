// Quality gates: cdk-nag's AwsSolutions pack fails synth on any unacknowledged finding, and
// `npx cdk synth` works offline with no AWS credentials and no Docker, bundling every function.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { isStage, mailFromAddress, resolveConfig } from '../../infra/config.js';
import { tempDir } from '../helpers/local-platform.js';
import { ROOT } from '../helpers/platform-process.js';

describe('cdk-nag', () => {
  it('fails synth on an unacknowledged finding', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad');
    new Queue(stack, 'NoDlqNoTls');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow();
  });
  it('passes once each finding is acknowledged with a reason', () => {
    const app = new App();
    const stack = new Stack(app, 'Acknowledged');
    const q = new Queue(stack, 'Queue', { enforceSSL: true });
    Validations.of(q).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'A test queue that is its own dead end.' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});

describe('stage config', () => {
  it('accepts only known stages', () => {
    expect(isStage('dev')).toBe(true);
    expect(isStage('prod')).toBe(true);
    expect(isStage('staging')).toBe(false);
    expect(() => resolveConfig('staging', {})).toThrow('-c stage=dev|prod');
  });
  it('names what is wrong in the config', () => {
    expect(() => resolveConfig('dev', { dev: { mailFrom: 'x@example.org' } })).toThrow('stages.dev');
    expect(() =>
      resolveConfig('dev', { dev: { sesIdentity: 'example.org', mailFrom: 'a@example.org', domainName: 'x.example.org' } }),
    ).toThrow('domainName and certificateArn go together');
  });
  it('creates a WAF only where CloudFront web ACLs can be: us-east-1', () => {
    const base = { sesIdentity: 'example.org', mailFrom: 'statements@example.org' };
    expect(() => resolveConfig('dev', { dev: { ...base, wafRateLimit: 1000 } })).toThrow('wafRateLimit needs region "us-east-1"');
    expect(() => resolveConfig('dev', { dev: { ...base, wafRateLimit: 1000, region: 'eu-central-1' } })).toThrow('us-east-1');
    expect(resolveConfig('dev', { dev: { ...base, wafRateLimit: 1000, region: 'us-east-1' } }).wafRateLimit).toBe(1000);
  });
  it('imports the SES identity unless told to create it', () => {
    expect(resolveConfig('dev', { dev: { sesIdentity: 'example.org', mailFrom: 'a@example.org' } }).createSesIdentity).toBe(false);
  });
  it('reads the bare address out of a From: header value', () => {
    expect(mailFromAddress('Communiqué <statements@example.org>')).toBe('statements@example.org');
    expect(mailFromAddress('statements@example.org')).toBe('statements@example.org');
    expect(mailFromAddress('Communiqué')).toBeUndefined();
  });
});

describe('npx cdk synth', () => {
  it('synthesizes every stack offline, with no credentials, bundling each function with the local esbuild', async () => {
    const out = tempDir('communique-cdk-out-');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, 'node_modules/aws-cdk/bin/cdk'), 'synth', '--quiet', '--no-notices', '-o', out, '-c', 'stage=prod'],
        { cwd: ROOT, env: { ...env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' }, timeout: 240_000 },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: stdout + stderr }),
      );
    });
    expect(result.code, result.output).toBe(0);
    const templates = fs.readdirSync(out).filter((f) => f.endsWith('.template.json'));
    expect(templates.sort()).toEqual(['Api', 'Data', 'Email', 'Ops', 'Pipeline', 'Site'].map((s) => `Communique-prod-${s}.template.json`));
    const bundles = fs.readdirSync(out).filter((f) => fs.existsSync(path.join(out, f, 'index.mjs')));
    expect(bundles).toHaveLength(10);
    fs.rmSync(out, { recursive: true, force: true });
  }, 300_000);
});
