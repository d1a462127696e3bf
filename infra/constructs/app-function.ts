// AppFunction: a function of this project with its defaults once: NodejsFunction bundled by the local
// esbuild, arm64, the newest Node.js runtime, source maps, its own log group and a role of its own.
import path from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Node's options in every function: stack traces in the logs point into the TypeScript sources. */
export const NODE_OPTIONS = '--enable-source-maps';

export const BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: true,
  // Node reads the map at load (NODE_OPTIONS); stack traces need its mappings, not the sources' text.
  sourcesContent: false,
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  // The pinned SDK goes into the bundle, not the runtime's own copy (bundleAwsSDK: false). Measured with
  // `npm run bench -- --only=bundles`, which follows these options: without the SDK every bundle is under
  // 400 KiB, yet every cold start is 110-220 ms slower, since node then loads the SDK's unminified
  // CommonJS files one by one instead of the tree-shaken, minified SDK in the bundle. And the runtime's
  // SDK is a version we neither pin nor test, which AWS replaces when it chooses (one Node.js 20 runtime
  // shipped clients without a package they load).
  bundleAwsSDK: true,
  // Except the credential providers that the SDK's default chain imports on demand, only when there are
  // no credentials in the environment: Lambda always sets them there, so these are never loaded (and the
  // runtime's SDK would provide them if they were); left in, they add ~110 KiB and ~30 ms to every cold start.
  externalModules: [
    '@aws-sdk/credential-provider-http',
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-web-identity',
  ],
  // Some dependencies are CommonJS and call require(); ESM bundles need it defined.
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  tsconfig: path.join(ROOT, 'tsconfig.json'),
};

/** Where a function logs: /communique/<stage>/<name>, kept for the retention, and past the stack in prod. */
export interface FunctionLogs {
  stage: string;
  retention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

export interface AppFunctionProps {
  /** Its folder in functions/, e.g. "render-pages". */
  name: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  logs: FunctionLogs;
}

export class AppFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Its folder in functions/. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.name = props.name;
    // The function's name is CloudFormation's (nothing calls it by name); its log group has a readable one.
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/communique/${props.logs.stage}/${props.name}`,
      retention: props.logs.retention,
      removalPolicy: props.logs.removalPolicy,
    });
    // Its own role, allowed only its own log group: no AWS managed policy with logs:* on every group.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      environment: { NODE_OPTIONS, ...props.environment },
      depsLockFilePath: path.join(ROOT, 'package-lock.json'),
      projectRoot: ROOT,
      bundling: BUNDLING,
    });
  }
}
