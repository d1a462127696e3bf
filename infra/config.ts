// The stage (from `-c stage=…`) and its validated configuration (from cdk.json context "stages").
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as z from 'zod';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

/** SES's sending rate out of the sandbox until AWS raises it (messages a second, for the account and region). */
export const SES_DEFAULT_RATE = 14;
/** The most email-jobs invocations that send the EmailJobs queue's jobs at once (its event source's maximum concurrency). */
export const EMAIL_SENDERS = 5;
/**
 * The most email-jobs invocations that work the EmailNotices queue at once: subscriptions and their
 * confirmations, which must not wait behind a mailing. 2 is the least an SQS event source allows.
 */
export const NOTICE_SENDERS = 2;

export const StageConfig = z
  .object({
    /** The AWS account and region to deploy to; default: the CLI's current credentials. */
    account: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
      .optional(),
    /** Custom domain for the site and API (CloudFront), with its ACM certificate in us-east-1. */
    domainName: z
      .string()
      .regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/)
      .optional(),
    certificateArn: z.string().startsWith('arn:aws:acm:us-east-1:').optional(),
    /** The SES identity mail is sent from: an address or a domain. */
    sesIdentity: z.string().min(3),
    /**
     * false (default): the identity already exists in SES (verified by hand) and is only referred to.
     * true: the stack creates it; for a domain it outputs the DKIM CNAME records to publish.
     */
    createSesIdentity: z.boolean().default(false),
    /** From: of subscription emails; must belong to sesIdentity. */
    mailFrom: z.string().min(3),
    /**
     * Messages a second each email-jobs invocation hands to SES. SES's rate is the account's, shared by up
     * to EMAIL_SENDERS + NOTICE_SENDERS concurrent invocations, so this is the account's rate divided by them
     * (the default divides SES's default rate, rounded down, at least 1). Raise it when AWS raises the account's rate.
     */
    mailRatePerSecond: z
      .number()
      .positive()
      .default(Math.max(1, Math.floor(SES_DEFAULT_RATE / (EMAIL_SENDERS + NOTICE_SENDERS)))),
    /** Who receives alarms; none means alarms go only to the alarm topic. */
    alarmEmail: z.email().optional(),
    logRetentionDays: z.number().int().positive().default(30),
    /** How long replaced versions of canonical statements are kept. */
    noncurrentVersionDays: z.number().int().positive().default(365),
    /** API Gateway throttling of the submissions API. */
    apiRateLimit: z.number().positive().default(50),
    apiBurstLimit: z.number().int().positive().default(100),
    /** Requests per 5 minutes per client IP above which CloudFront's WAF answers 429; none means no WAF. */
    wafRateLimit: z.number().int().min(10).max(2_000_000_000).optional(),
  })
  .refine((c) => !c.domainName === !c.certificateArn, {
    message: 'domainName and certificateArn go together',
    path: ['certificateArn'],
  })
  .refine((c) => c.wafRateLimit === undefined || c.region === 'us-east-1', {
    message: 'wafRateLimit needs region "us-east-1": a web ACL for CloudFront (scope CLOUDFRONT) can only be created there',
    path: ['region'],
  })
  .refine((c) => mailFromAddress(c.mailFrom) !== undefined, {
    message: 'mailFrom must be an address or "Name <address>"',
    path: ['mailFrom'],
  });
export type StageConfig = z.infer<typeof StageConfig>;

export interface ResolvedConfig extends StageConfig {
  stage: Stage;
  /** Prefix of every resource name: communique-<stage>. */
  prefix: string;
}

/** The bare address of a From: header value: "Communiqué <statements@example.org>" -> "statements@example.org". */
export function mailFromAddress(mailFrom: string): string | undefined {
  const address = (/<([^<>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom).trim();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address) ? address : undefined;
}

/** Prod keeps what it cannot rebuild (table, buckets, logs) when a stack is deleted; dev removes it. */
export function removalPolicy(config: Pick<ResolvedConfig, 'stage'>): RemovalPolicy {
  return config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/** Buckets carry fixed names (stage, account, region), so stacks refer to them without exports. */
export function bucketName(config: Pick<ResolvedConfig, 'prefix'>, role: 'content' | 'site'): string {
  return `${config.prefix}-${role}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export function bucketArn(config: Pick<ResolvedConfig, 'prefix'>, role: 'content' | 'site'): string {
  return `arn:${Aws.PARTITION}:s3:::${bucketName(config, role)}`;
}

/** How cdk-nag names an object pattern of a project bucket (e.g. "parties/*") in its IAM5 findings. */
export function nagObjectResource(config: Pick<ResolvedConfig, 'prefix'>, role: 'content' | 'site', pattern: string): string {
  return `Resource::arn:<AWS::Partition>:s3:::${config.prefix}-${role}-<AWS::AccountId>-<AWS::Region>/${pattern}`;
}

export function resolveConfig(stage: unknown, stages: unknown): ResolvedConfig {
  if (!isStage(stage)) throw new Error(`Unknown stage ${JSON.stringify(stage)}: pass -c stage=${STAGES.join('|')}`);
  const raw = (stages as Record<string, unknown> | undefined)?.[stage];
  const parsed = StageConfig.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`cdk.json context "stages.${stage}" is invalid: ${issues}`);
  }
  return { ...parsed.data, stage, prefix: `communique-${stage}` };
}
