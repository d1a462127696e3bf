// Site: the private site bucket behind CloudFront (OAC), with /v1/* and /desk/* routed to the API uncached (and
// signed with the origin secret), strict security headers, a real 404 page, optionally a WAF rate
// rule, and the site's shell deployed. Pages are revalidated at the edge, never invalidated per publish.
import { Annotations, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AccessLevel,
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CONTENT_SECURITY_POLICY } from '../../shared/site/security-headers.js';
import type { SiteFile } from '../../shared/site/shell.js';
import { bucketName, type ResolvedConfig, removalPolicy } from '../config.js';
import { INDEX_REWRITE } from '../constructs/index-rewrite.js';
import { RateLimitAcl } from '../constructs/rate-limit-acl.js';
import { SiteShell } from '../constructs/site-shell.js';
import type { DataStack } from './data-stack.js';

/** CloudFront's hosted zone id, the same for every distribution: the target of Route 53 alias records. */
export const CLOUDFRONT_HOSTED_ZONE_ID = 'Z2FDTNDATAQYW2';

/** The header CloudFront adds to every /v1/* and /desk/* request; the API refuses requests without it. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** Where the desk's script posts files (S3 presigned POSTs name the bucket's regional host). */
export function contentBucketOrigin(config: ResolvedConfig, data: Stack): string {
  return `https://${bucketName(config, 'content')}.s3.${data.region}.${data.urlSuffix}`;
}

export interface SiteStackProps extends StackProps {
  config: ResolvedConfig;
  data: DataStack;
  apiDomain: string;
  /** Its value goes to the API as ORIGIN_VERIFY_HEADER. */
  originSecret: ISecret;
  shell: SiteFile[];
}

export class SiteStack extends Stack {
  readonly siteBucket: Bucket;
  readonly distribution: Distribution;
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: SiteStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const prod = config.stage === 'prod';

    this.siteBucket = new Bucket(this, 'Site', {
      bucketName: bucketName(config, 'site'),
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: data.logsBucket,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: removalPolicy(config),
      autoDeleteObjects: !prod,
    });

    const securityHeaders = {
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
      contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
    };
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', { securityHeadersBehavior: securityHeaders });
    const rewrite = new CloudFrontFunction(this, 'IndexRewrite', {
      code: FunctionCode.fromInline(INDEX_REWRITE),
      runtime: FunctionRuntime.JS_2_0,
    });
    // Every object carries its Cache-Control (pages: revalidate each time; assets: 5 minutes) and the
    // edge honours it; nothing is cached longer than the origin says, so a publish needs no invalidation.
    const revalidate = new CachePolicy(this, 'HonourOrigin', {
      comment: 'Communiqué site: the TTL is the object Cache-Control (0 when absent)',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // One origin for /v1/* and /desk/*: CloudFront signs both with the origin secret.
    const api = new HttpOrigin(props.apiDomain, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      // A dynamic reference, resolved by CloudFormation at deploy time: no secret in the template.
      customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originSecret.secretValue.unsafeUnwrap() },
    });
    // --- the web desk: the site's headers, and its script may also post files straight to the content bucket ---
    const deskHeaders = new ResponseHeadersPolicy(this, 'DeskSecurityHeaders', {
      securityHeadersBehavior: {
        ...securityHeaders,
        contentSecurityPolicy: {
          contentSecurityPolicy: `${CONTENT_SECURITY_POLICY}; connect-src 'self' ${contentBucketOrigin(config, props.data)}`,
          override: true,
        },
      },
    });
    // --- end web desk ---
    const waf = config.wafRateLimit ? new RateLimitAcl(this, 'RateLimit', { limit: config.wafRateLimit }) : undefined;
    const custom = config.domainName && config.certificateArn;

    this.distribution = new Distribution(this, 'Cdn', {
      comment: `Communiqué ${config.stage}`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: data.logsBucket,
      logFilePrefix: 'cdn/',
      ...(waf ? { webAclId: waf.arn } : {}),
      ...(custom
        ? {
            domainNames: [config.domainName as string],
            certificate: Certificate.fromCertificateArn(this, 'Cert', config.certificateArn as string),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      // No custom error pages: CloudFront applies them to every behaviour, so the API's problem+json 404s
      // would become HTML. With LIST the bucket answers a missing page with 404 (S3's own body), not 403.
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket, { originAccessLevels: [AccessLevel.READ, AccessLevel.LIST] }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        compress: true,
        cachePolicy: revalidate,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: rewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: api,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
          responseHeadersPolicy: headers,
        },
        // --- the web desk (functions/api/desk): the API's own pages, uncached, with the session cookie ---
        '/desk/*': {
          origin: api,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Every viewer header (Cookie, Origin, Sec-Fetch-Site for the CSRF check) and the query reach it.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
          responseHeadersPolicy: deskHeaders,
        },
        // --- end web desk ---
      },
    });
    Annotations.of(this.distribution).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
      'defaultRootObject is index.html and the viewer-request function maps every folder URL to its index.html, so no request lists the bucket.',
    );
    this.acknowledge(Boolean(custom), Boolean(waf));

    this.siteUrl = custom ? `https://${config.domainName}` : `https://${this.distribution.distributionDomainName}`;
    new SiteShell(this, 'Shell', { bucket: this.siteBucket, distribution: this.distribution, files: props.shell, siteUrl: this.siteUrl });
    new CfnOutput(this, 'SiteUrl', { value: this.siteUrl });
    new CfnOutput(this, 'SiteBucketName', { value: this.siteBucket.bucketName });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.distributionDomainName });
    if (custom) {
      const target = this.distribution.distributionDomainName;
      new CfnOutput(this, 'DnsRecord', {
        value: `${config.domainName} CNAME ${target}`,
        description: `At a DNS provider: a CNAME (or ALIAS/ANAME at a zone apex) of ${config.domainName} to the distribution.`,
      });
      new CfnOutput(this, 'Route53AliasRecords', {
        value: `${config.domainName} A and AAAA ALIAS ${target} (hosted zone ${CLOUDFRONT_HOSTED_ZONE_ID})`,
        description: 'In Route 53: alias records A and AAAA (IPv6) to the distribution, whose hosted zone id is that of CloudFront.',
      });
    }
  }

  private acknowledge(customDomain: boolean, waf: boolean): void {
    if (!customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its default certificate, whose minimum TLS it sets; with stages.<stage>.domainName the distribution enforces TLSv1.2_2021.',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Statements are published for readers in every country; no geographic restriction.',
    });
    if (!waf) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'The site is static and the API is throttled at API Gateway and per press key; stages.<stage>.wafRateLimit adds a WAF rate rule (a cost the operator chooses).',
      });
    }
  }
}
