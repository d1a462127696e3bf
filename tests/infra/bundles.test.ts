// The Lambda bundles, built as CDK builds them: each holds only what its function uses (the sizes and
// load times themselves are measured by `npm run bench -- --only=bundles`, not asserted here).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleOptions } from '../../bench/bundles.js';
import { ROOT } from '../../infra/constructs/app-function.js';

// Every folder of functions/: one function each in infra/.
const FUNCTIONS = [
  'api',
  'compact-search',
  'digests',
  'email-jobs',
  'index-search',
  'publish-scheduled',
  'render-pages',
  'send-emails',
  'stream-relay',
  'suppress-addresses',
] as const;
type FunctionName = (typeof FUNCTIONS)[number];
const inputs = {} as Record<FunctionName, string[]>;

beforeAll(async () => {
  for (const name of FUNCTIONS) {
    const { metafile } = await build({ ...bundleOptions(name, path.join(os.tmpdir(), name, 'index.mjs')), write: false });
    // What reaches the output: files that were read but left out by tree-shaking weigh nothing.
    const [output] = Object.values(metafile.outputs).filter((o) => o.entryPoint);
    inputs[name] = Object.entries(output?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([file]) => file);
  }
}, 60_000);

const holding = (fragment: string) => FUNCTIONS.filter((name) => inputs[name].some((file) => file.includes(fragment)));

describe('the Lambda bundles', () => {
  it('are built here for every function', () => {
    expect([...FUNCTIONS]).toEqual(fs.readdirSync(path.join(ROOT, 'functions')).sort());
  });

  it('bundle zod/mini with its English messages, not all of zod and its locales', () => {
    expect(holding('node_modules/zod/v4/classic/')).toEqual([]);
    for (const name of FUNCTIONS) {
      const locales = inputs[name].filter((file) => file.includes('node_modules/zod/v4/locales/')).map((file) => path.basename(file));
      expect(locales, name).toEqual(['en.js']);
    }
  });

  it('give each function only the AWS clients it calls', () => {
    expect(holding('node_modules/@aws-sdk/client-dynamodb/')).toEqual(FUNCTIONS);
    expect(holding('node_modules/@aws-sdk/client-s3/')).toEqual([
      'api',
      'compact-search',
      'email-jobs',
      'index-search',
      'publish-scheduled',
      'render-pages',
      'send-emails',
    ]);
    // Only the API sets embargo schedules; publish-scheduled is what they invoke.
    expect(holding('node_modules/@aws-sdk/client-scheduler/')).toEqual(['api']);
    // Only email-jobs mails; the API, the planner (send-emails) and digests enqueue send jobs.
    expect(holding('node_modules/@aws-sdk/client-sesv2/')).toEqual(['email-jobs']);
    expect(holding('node_modules/@aws-sdk/client-sqs/')).toEqual(['api', 'digests', 'email-jobs', 'send-emails']);
    expect(holding('node_modules/@aws-sdk/client-sns/')).toEqual(['stream-relay']);
    // Credentials come from the environment on Lambda; the chain's other providers are left to the runtime.
    expect(holding('node_modules/@aws-sdk/credential-provider-env/')).toEqual(FUNCTIONS);
    expect(holding('node_modules/@aws-sdk/credential-provider-sso/')).toEqual([]);
    expect(holding('node_modules/@aws-sdk/nested-clients/')).toEqual([]);
  });

  it('keep the Markdown renderer, the sanitiser and the mail composer where they are used', () => {
    // Statements are rendered from Markdown once, by the API (or, for an embargo, by publish-scheduled at
    // its time); mail sanitises their stored HTML for email.
    expect(holding('node_modules/marked/')).toEqual(['api', 'publish-scheduled']);
    expect(holding('node_modules/sanitize-html/')).toEqual(['api', 'email-jobs', 'publish-scheduled']);
    expect(holding('node_modules/nodemailer/')).toEqual(['email-jobs']);
  });
});
