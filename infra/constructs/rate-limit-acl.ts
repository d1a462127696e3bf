// RateLimitAcl: a WAF web ACL for CloudFront that answers 429 problem+json to a client IP above a
// request rate. CLOUDFRONT-scope web ACLs exist only in us-east-1 (config.ts checks the region).
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface RateLimitAclProps {
  /** Requests per client IP in any 5 minutes. */
  limit: number;
}

const WINDOW_SECONDS = 300;

export class RateLimitAcl extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: RateLimitAclProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const acl = new CfnWebACL(this, 'Acl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('communique-site'),
      customResponseBodies: {
        'rate-limited': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: 'https://communique.invalid/problems/rate-limited',
            title: 'Too many requests',
            status: 429,
            detail: `More than ${props.limit} requests in ${WINDOW_SECONDS / 60} minutes from this address; retry later.`,
          }),
        },
      },
      rules: [
        {
          name: 'rate-per-ip',
          priority: 0,
          statement: { rateBasedStatement: { limit: props.limit, aggregateKeyType: 'IP', evaluationWindowSec: WINDOW_SECONDS } },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'rate-limited',
                responseHeaders: [{ name: 'retry-after', value: String(WINDOW_SECONDS) }],
              },
            },
          },
          visibilityConfig: visibility('communique-rate-per-ip'),
        },
      ],
    });
    this.arn = acl.attrArn;
  }
}
