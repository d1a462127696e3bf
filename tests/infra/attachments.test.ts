// Template assertions for attachments: the browser's direct POST into the content bucket (CORS), abandoned
// uploads expiring, and the API's grants on exactly the prefixes the upload flow touches.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INDEX_REWRITE } from '../../infra/constructs/index-rewrite.js';
import { buildApp, PROD_OVERRIDES } from './app-fixture.js';

type Built = ReturnType<typeof buildApp>;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON, read by path.
type Json = Record<string, any>;
let dev: Built;
let prod: Built;

beforeAll(() => {
  dev = buildApp('dev');
  prod = buildApp('prod', PROD_OVERRIDES);
}, 120_000);

const contentBucket = (b: Built) =>
  (Object.values(b.templates.data.findResources('AWS::S3::Bucket')) as Json[]).find((r) =>
    JSON.stringify(r.Properties.BucketName ?? '').includes('-content-'),
  )?.Properties as Json;

/** The API role's statements, with each resource as the object pattern it names ("content:uploads/*"). */
function apiGrants(b: Built): Array<{ actions: string[]; objects: string[] }> {
  const policies = Object.values(b.templates.api.findResources('AWS::IAM::Policy')) as Json[];
  return policies
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('ApiRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[])
    .map((s) => ({
      actions: [s.Action].flat() as string[],
      objects: [s.Resource].flat().map((r) => {
        const m = /-(content|site)-.*?\/([^"]*)"\]\]\}$/.exec(JSON.stringify(r));
        return m ? `${m[1]}:${m[2]}` : '';
      }),
    }));
}

describe('attachments on AWS', () => {
  it('let the desk post files to the content bucket from the site’s origin only', () => {
    expect(contentBucket(prod).CorsConfiguration).toEqual({
      CorsRules: [{ AllowedMethods: ['POST'], AllowedOrigins: ['https://statements.example.org'], AllowedHeaders: ['*'], MaxAge: 3000 }],
    });
    // Without a custom domain the site is CloudFront's, named only once the Site stack exists.
    expect(contentBucket(dev).CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual(['https://*.cloudfront.net']);
  });

  it('expire uploads left under uploads/ after a day, every version of them', () => {
    expect(contentBucket(dev).LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Prefix: 'uploads/',
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: 'Enabled',
      }),
    );
  });

  it('let the API read, write and delete uploads, keep checked files and publish them under files/, nothing more', () => {
    const grants = apiGrants(dev).filter((g) => g.objects.some((o) => o !== ''));
    const on = (object: string) => grants.filter((g) => g.objects.includes(object)).flatMap((g) => g.actions);
    expect(on('content:uploads/*').sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    expect(on('content:attachments/*').sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(on('site:files/*')).toEqual(['s3:PutObject']);
    expect(grants.flatMap((g) => g.objects).filter((o) => o.startsWith('site:'))).toEqual(['site:files/*']);
  });

  it('give the API the site bucket’s name, which it publishes attachments to', () => {
    dev.templates.api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SITE_BUCKET: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['communique-dev-site-'])] }),
        }),
      },
    });
  });

  it('serve files/* through the default behaviour: the site bucket with the security headers, file names as they are', () => {
    const cdn = Object.values(dev.templates.site.findResources('AWS::CloudFront::Distribution'))[0] as Json;
    const behaviours = (cdn.Properties.DistributionConfig.CacheBehaviors ?? []) as Json[];
    expect(behaviours.map((b) => b.PathPattern)).toEqual(['/v1/*', '/desk/*']);
    expect(cdn.Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
    const rewrite = new Function(`${INDEX_REWRITE}; return handler;`)() as (event: { request: { uri: string } }) => { uri?: string };
    const uri = '/files/at-0123456789ab/%CE%B4%CE%AE%CE%BB%CF%89%CF%83%CE%B7.pdf';
    expect(rewrite({ request: { uri } }).uri).toBe(uri);
  });
});
