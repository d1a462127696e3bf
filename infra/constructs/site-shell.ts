// SiteShell: the site files that do not depend on any statement, put in the site bucket at deploy time.
// Shell files are deployed (replaced) on every change; placeholders are only created where nothing is
// yet, so they never overwrite a page render-pages wrote.
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { AwsCustomResource, AwsCustomResourcePolicy, type AwsSdkCall, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { robotsTxt, type SiteFile } from '../../shared/site/shell.js';

/** The Cache-Control of site objects, as siteCacheControl (shared/runtime/aws.ts) sets it for pages. */
export const REVALIDATE = 'public, max-age=0, must-revalidate';
export const BRIEFLY = 'public, max-age=300';

export function shellCacheControl(key: string): string {
  return /\.(html|json|xml)$/.test(key) ? REVALIDATE : BRIEFLY;
}

/** How cdk-nag writes an account or region in a finding: the value when the stage pins it, else the pseudo parameter. */
function nagName(value: string, pseudo: 'AccountId' | 'Region'): string {
  return Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
}

export interface SiteShellProps {
  bucket: Bucket;
  distribution: IDistribution;
  files: SiteFile[];
  /** The public origin (a deploy-time value without a custom domain): robots.txt names the sitemap there. */
  siteUrl: string;
}

export class SiteShell extends Construct {
  constructor(scope: Construct, id: string, props: SiteShellProps) {
    super(scope, id);
    const { bucket, distribution } = props;
    const shell = props.files
      .filter((f) => !f.placeholder)
      .map((f) => (f.key === 'robots.txt' ? { ...f, body: robotsTxt(props.siteUrl) } : f));
    const groups = [
      { id: 'Pages', cacheControl: REVALIDATE, files: shell.filter((f) => shellCacheControl(f.key) === REVALIDATE) },
      { id: 'Assets', cacheControl: BRIEFLY, files: shell.filter((f) => shellCacheControl(f.key) === BRIEFLY) },
    ];
    for (const group of groups.filter((g) => g.files.length)) {
      // Never prunes: the bucket also holds what render-pages and index-search wrote.
      new BucketDeployment(this, group.id, {
        destinationBucket: bucket,
        sources: group.files.map((f) => Source.data(f.key, f.body)),
        prune: false,
        cacheControl: [CacheControl.fromString(group.cacheControl)],
        memoryLimit: 256,
        // Pages revalidate at every request; assets are cached for minutes, so a deploy that changes
        // them invalidates them once (one wildcard path), rather than leaving old ones for 5 minutes.
        ...(group.id === 'Assets' ? { distribution, distributionPaths: ['/assets/*'] } : {}),
      });
    }
    const placeholders = props.files.filter((f) => f.placeholder);
    // Named by key, so that adding a placeholder never renames (and so re-runs) another.
    for (const f of placeholders) this.placeholder(`Placeholder${f.key.replace(/[^A-Za-z0-9]/g, '')}`, bucket, f);
    this.acknowledgeDeployer(bucket);
    if (placeholders.length) this.acknowledgePutter();
  }

  /** Creates the object only if the key is absent (If-None-Match: *); S3's 412 means a page is there. */
  private placeholder(id: string, bucket: Bucket, f: SiteFile): void {
    const put: AwsSdkCall = {
      service: 'S3',
      action: 'putObject',
      parameters: {
        Bucket: bucket.bucketName,
        Key: f.key,
        Body: f.body,
        ContentType: f.contentType,
        CacheControl: shellCacheControl(f.key),
        IfNoneMatch: '*',
      },
      physicalResourceId: PhysicalResourceId.of(`placeholder:${f.key}`),
      ignoreErrorCodesMatching: '^(PreconditionFailed|ConditionalRequestConflict|412)$',
    };
    new AwsCustomResource(this, id, {
      onCreate: put,
      onUpdate: put,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(f.key)] }),
      ]),
      // The runtime's SDK has conditional writes; no npm install at deploy time.
      installLatestAwsSdk: false,
    });
  }

  private acknowledgeDeployer(bucket: Bucket): void {
    const stack = Stack.of(this);
    const site = `<${stack.getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>`;
    // The handlers are singletons the CDK adds to the stack, beside the constructs that use them.
    const deployer = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!deployer) throw new Error('BucketDeployment handler not found: has the CDK renamed it?');
    for (const id of [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-L1',
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((a) => `AwsSolutions-IAM5[Action::${a}]`),
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${nagName(stack.account, 'AccountId')}-${nagName(stack.region, 'Region')}/*]`,
      `AwsSolutions-IAM5[Resource::${site}/*]`,
      'AwsSolutions-IAM5[Resource::*]',
    ]) {
      Validations.of(deployer).acknowledge({
        id,
        reason:
          "The CDK's own BucketDeployment handler: it copies the shell from the CDK asset bucket into the site bucket and invalidates it, during deployments only; its policy is generated by the CDK.",
      });
    }
  }

  private acknowledgePutter(): void {
    const putter = Stack.of(this).node.tryFindChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (!putter) throw new Error('AwsCustomResource handler not found: has the CDK renamed it?');
    for (const id of [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-L1',
    ]) {
      Validations.of(putter).acknowledge({
        id,
        reason:
          "The CDK's own AwsCustomResource handler: it writes the shell's placeholder pages (s3:PutObject on those keys only) during deployments; its role and runtime are the CDK's.",
      });
    }
  }
}
