// The site stack: CloudFront in front of the private site bucket and the API, one caching model, the
// shell and its placeholders, the 404 page, DNS for a custom domain, the WAF, and the index rewrite.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INDEX_REWRITE } from '../../infra/constructs/index-rewrite.js';
import { shellCacheControl } from '../../infra/constructs/site-shell.js';
import { siteCacheControl } from '../../shared/runtime/aws.js';
import { buildApp, PROD_OVERRIDES, SHELL } from './app-fixture.js';

type Built = ReturnType<typeof buildApp>;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON, read by path.
type Json = Record<string, any>;
let dev: Built;
let prod: Built;

beforeAll(() => {
  dev = buildApp('dev');
  prod = buildApp('prod', PROD_OVERRIDES);
}, 120_000);

const resources = (b: Built, type: string) => Object.values(b.templates.site.findResources(type)) as Array<{ Properties: Json }>;
const distribution = (b: Built) => resources(b, 'AWS::CloudFront::Distribution')[0]?.Properties.DistributionConfig as Json;

describe('CloudFront', () => {
  it('serves a private bucket through CloudFront with OAC, HTTPS only, compression and access logs', () => {
    const d = distribution(dev);
    expect(d.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', Compress: true });
    expect(d.Origins[0].S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(d.Origins[0].OriginAccessControlId).toBeDefined();
    expect(d.Logging).toMatchObject({ Prefix: 'cdn/' });
    dev.templates.site.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });
  it('routes /v1/* to the API uncached, with every method, signed with the origin secret by dynamic reference', () => {
    const d = distribution(dev);
    expect(d.CacheBehaviors).toContainEqual(
      expect.objectContaining({
        PathPattern: '/v1/*',
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        ViewerProtocolPolicy: 'https-only',
      }),
    );
    const api = (d.Origins as Json[]).find((o) => o.CustomOriginConfig);
    expect(api?.OriginCustomHeaders).toEqual([
      {
        HeaderName: 'x-origin-verify',
        HeaderValue: {
          'Fn::Join': [
            '',
            ['{{resolve:secretsmanager:', { 'Fn::ImportValue': expect.stringContaining('OriginSecret') }, ':SecretString:::}}'],
          ],
        },
      },
    ]);
  });
  // --- the web desk ---
  it('routes /desk/* to the same API origin uncached, with every viewer header (the session cookie) and every method', () => {
    const d = distribution(dev);
    const [v1, desk] = ['/v1/*', '/desk/*'].map((path) => (d.CacheBehaviors as Json[]).find((b) => b.PathPattern === path));
    expect(desk).toMatchObject({
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      // AllViewerExceptHostHeader: the Cookie, Origin and Sec-Fetch-Site headers and the query reach the API.
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      ViewerProtocolPolicy: 'redirect-to-https',
    });
    // One origin for both, so the desk's requests carry the origin secret too.
    expect(desk?.TargetOriginId).toBe(v1?.TargetOriginId);
    expect((d.Origins as Json[]).filter((o) => o.CustomOriginConfig)).toHaveLength(1);
  });
  it('lets the desk’s script post files to the content bucket, and nothing else more than the site', () => {
    const policies = resources(dev, 'AWS::CloudFront::ResponseHeadersPolicy').map((r) => r.Properties.ResponseHeadersPolicyConfig);
    const desk = policies.find((c) => c.Name?.includes?.('Desk') || JSON.stringify(c).includes('connect-src'));
    const csp = JSON.stringify(desk?.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(
      /connect-src 'self' https:\/\/communique-dev-content-",\{"Ref":"AWS::AccountId"\},"-",\{"Ref":"AWS::Region"\},"\.s3\./,
    );
    expect(desk?.SecurityHeadersConfig.StrictTransportSecurity).toMatchObject({ Override: true });
  });
  // --- end web desk ---
  it('sends HSTS and a strict Content-Security-Policy without unsafe-inline', () => {
    const policy = resources(dev, 'AWS::CloudFront::ResponseHeadersPolicy')[0]?.Properties.ResponseHeadersPolicyConfig
      .SecurityHeadersConfig;
    expect(policy.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
    expect(policy.ContentSecurityPolicy.ContentSecurityPolicy).toContain("script-src 'self'");
    expect(policy.ContentSecurityPolicy.ContentSecurityPolicy).not.toContain('unsafe-inline');
  });
  it('uses TLS 1.2 (2021) at least with a custom domain, and outputs the DNS records it needs', () => {
    expect(distribution(prod).ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(distribution(prod).Aliases).toEqual(['statements.example.org']);
    const target = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cdn'), 'DomainName'] };
    prod.templates.site.hasOutput('DnsRecord', { Value: { 'Fn::Join': ['', ['statements.example.org CNAME ', target]] } });
    prod.templates.site.hasOutput('Route53AliasRecords', {
      Value: { 'Fn::Join': ['', ['statements.example.org A and AAAA ALIAS ', target, ' (hosted zone Z2FDTNDATAQYW2)']] },
    });
    expect(Object.keys(dev.templates.site.findOutputs('*'))).not.toContain('DnsRecord');
  });
  it('answers a missing page with 404, not 403 (LIST), and maps no error page over the API’s problem+json', () => {
    expect(distribution(dev).CustomErrorResponses).toBeUndefined();
    const [policy] = resources(dev, 'AWS::S3::BucketPolicy');
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Action: ['s3:GetObject', 's3:ListBucket'], Principal: { Service: 'cloudfront.amazonaws.com' } }),
    );
  });
});

describe('caching: revalidate at the edge, never invalidate per publish', () => {
  it('caches site objects only as long as their own Cache-Control says', () => {
    const [policy] = resources(dev, 'AWS::CloudFront::CachePolicy');
    expect(policy?.Properties.CachePolicyConfig).toMatchObject({ MinTTL: 0, DefaultTTL: 0 });
    expect(distribution(dev).DefaultCacheBehavior.CachePolicyId).toEqual({ Ref: expect.stringMatching(/^HonourOrigin/) });
  });
  it('gives the shell the Cache-Control render-pages gives pages and assets', () => {
    for (const key of [...SHELL.map((f) => f.key), 'feed.xml', 'feed.json', 'search/v2/manifest.json', 'assets/search.js', 'robots.txt']) {
      expect(shellCacheControl(key), key).toBe(siteCacheControl(key));
    }
    expect(siteCacheControl('statements/x/index.html')).toBe('public, max-age=0, must-revalidate');
    expect(siteCacheControl('assets/site.css')).toBe('public, max-age=300');
    // Index segments are named by their contents: cached for good. The manifest that names them is revalidated.
    expect(siteCacheControl('search/v2/abc/t3.json')).toBe('public, max-age=31536000, immutable');
    expect(siteCacheControl('search/v2/manifest.json')).toBe('public, max-age=0, must-revalidate');
  });
  it('deploys the shell without pruning, and invalidates only /assets/* when the shell changes', () => {
    const deployments = resources(dev, 'Custom::CDKBucketDeployment').map((d) => d.Properties);
    expect(deployments).toHaveLength(2);
    for (const d of deployments) expect(d.Prune).toBe(false);
    const pages = deployments.find((d) => d.SystemMetadata['cache-control'] === 'public, max-age=0, must-revalidate');
    const assets = deployments.find((d) => d.SystemMetadata['cache-control'] === 'public, max-age=300');
    expect(pages?.DistributionPaths).toBeUndefined();
    expect(assets?.DistributionPaths).toEqual(['/assets/*']);
  });
  it('lets no function invalidate the CDN', () => {
    for (const stack of ['api', 'pipeline', 'email'] as const) {
      expect(JSON.stringify(prod.templates[stack].toJSON())).not.toContain('cloudfront:CreateInvalidation');
      expect(JSON.stringify(prod.templates[stack].toJSON())).not.toContain('DISTRIBUTION_ID');
    }
  });
});

describe('placeholders', () => {
  const calls = () => resources(dev, 'Custom::AWS').map((r) => r.Properties);
  it('are created, on create and on update, only where no object is (If-None-Match), 412 being no error', () => {
    expect(calls()).toHaveLength(2);
    for (const call of calls()) {
      expect(call.InstallLatestAwsSdk).toBe(false);
      for (const phase of ['Create', 'Update']) {
        const text = JSON.stringify(call[phase]);
        expect(text).toContain('\\"action\\":\\"putObject\\"');
        expect(text).toContain('\\"IfNoneMatch\\":\\"*\\"');
        expect(text).toContain('PreconditionFailed');
      }
    }
    expect(
      calls()
        .map((c) => /\\"Key\\":\\"(.*?)\\"/.exec(JSON.stringify(c.Create))?.[1])
        .sort(),
    ).toEqual(['index.html', 'parties/index.html']);
  });
  it('are not deployed by the shell deployment, which would overwrite pages', () => {
    // The deployments carry zip assets; what they hold is checked through the construct's filter.
    expect(resources(dev, 'Custom::CDKBucketDeployment')).toHaveLength(2);
    expect(SHELL.filter((f) => f.placeholder).map((f) => f.key)).toEqual(['index.html', 'parties/index.html']);
  });
  it('may write those two keys and nothing else', () => {
    const policies = Object.entries(dev.templates.site.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('ShellPlaceholder'),
    );
    expect(policies).toHaveLength(2);
    for (const [, p] of policies) {
      expect((p as Json).Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({ Action: 's3:PutObject' })]);
    }
  });
});

describe('WAF', () => {
  it('with wafRateLimit blocks an IP above the rate with 429, and is attached to the distribution', () => {
    prod.templates.site.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
          Action: { Block: { CustomResponse: Match.objectLike({ ResponseCode: 429, CustomResponseBodyKey: 'rate-limited' }) } },
        }),
      ],
    });
    expect(distribution(prod).WebACLId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^RateLimit/), 'Arn'] });
  });
  it('without it there is none (and cdk-nag’s CFR2 is acknowledged)', () => {
    dev.templates.site.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(distribution(dev).WebACLId).toBeUndefined();
  });
});

describe('the index rewrite (CloudFront Function)', () => {
  type Result = { uri?: string; statusCode?: number; headers?: { location: { value: string } } };
  const handler = new Function(`${INDEX_REWRITE}; return handler;`)() as (event: { request: { uri: string } }) => Result;
  const run = (uri: string) => handler({ request: { uri } });

  it('is the function deployed', () => {
    dev.templates.site.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: INDEX_REWRITE,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    });
  });
  it('serves a folder’s index.html', () => {
    expect(run('/a/')).toMatchObject({ uri: '/a/index.html' });
    expect(run('/')).toMatchObject({ uri: '/index.html' });
  });
  it('redirects a folder without its slash', () => {
    expect(run('/a')).toMatchObject({ statusCode: 301, headers: { location: { value: '/a/' } } });
  });
  it('leaves files alone', () => {
    expect(run('/a.css')).toEqual({ uri: '/a.css' });
  });
  it('never redirects to another host', () => {
    for (const uri of ['//evil.example.com/x', '///evil.example.com/x', '/\\evil.example.com/x', '/\\/evil.example.com/x/']) {
      const result = run(uri);
      // A redirect's Location, or the object asked of S3, is a path on this host: one slash, then a name.
      expect(result.headers?.location.value ?? result.uri, uri).toMatch(/^\/[^/\\]/);
    }
    expect(run('//evil.example.com/x').headers?.location.value).toBe('/evil.example.com/x/');
  });
});
