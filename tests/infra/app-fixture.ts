// The CDK app of a stage, built in-process for template assertions (function bundling skipped:
// nag-and-synth.test.ts bundles for real through `npx cdk synth`).
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildCommuniqueApp } from '../../infra/communique-app.js';
import { resolveConfig } from '../../infra/config.js';
import type { SiteFile } from '../../shared/site/shell.js';

export const SHELL: SiteFile[] = [
  { key: 'assets/site.css', body: 'body{}', contentType: 'text/css' },
  { key: 'search/index.html', body: '<!doctype html>', contentType: 'text/html' },
  { key: '404.html', body: '<!doctype html><h1>Page not found</h1>', contentType: 'text/html' },
  { key: 'index.html', body: '<!doctype html><p>Nothing published yet', contentType: 'text/html', placeholder: true },
  { key: 'parties/index.html', body: '<!doctype html><p>Nothing published yet', contentType: 'text/html', placeholder: true },
];

/** A prod stage with every option: custom domain, an SES identity created by the stack, a WAF (so us-east-1). */
export const PROD_OVERRIDES = {
  region: 'us-east-1',
  domainName: 'statements.example.org',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
  createSesIdentity: true,
  wafRateLimit: 2000,
};

export function buildApp(stage: 'dev' | 'prod', overrides: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:defaultCrossStackReferences': 'strong' } });
  const config = resolveConfig(stage, {
    [stage]: { sesIdentity: 'example.org', mailFrom: 'Communiqué <statements@example.org>', alarmEmail: 'ops@example.org', ...overrides },
  });
  const stacks = buildCommuniqueApp(app, config, SHELL);
  const assembly = app.synth();
  const templates = Object.fromEntries(Object.entries(stacks).map(([k, s]) => [k, Template.fromStack(s as Stack)])) as Record<
    keyof typeof stacks,
    Template
  >;
  return { app, assembly, stacks, templates };
}
