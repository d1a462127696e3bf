// The CDK app of a stage, built in-process for template assertions (function bundling skipped:
// synth.test.ts bundles for real through `npx cdk synth`).
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildCommuniqueApp } from '../../infra/communique-app.js';
import { resolveConfig } from '../../infra/config.js';
import type { SiteFile } from '../../shared/site/shell.js';

const SHELL: SiteFile[] = [
  { key: 'assets/site.css', body: 'body{}', contentType: 'text/css' },
  { key: 'search/index.html', body: '<!doctype html>', contentType: 'text/html' },
];

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
