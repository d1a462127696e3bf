// A deployed stage as the CLI finds it, for `--target aws` tests: CloudFormation answers with the stacks'
// outputs and SNS records what is published (the stubbed outermost calls); the table is dynalite's.
import type { AwsTestServers } from './aws-servers.js';

export const TOPIC_ARN = 'arn:aws:sns:eu-central-1:123456789012:statement-events';

export function stageStubs() {
  const published: Array<{ TopicArn: string; Message: string }> = [];
  const outputs: Record<string, Array<{ OutputKey: string; OutputValue: string }>> = {};
  const cloudFormation = {
    send: async (c: { input: { StackName: string } }) => ({ Stacks: [{ Outputs: outputs[c.input.StackName] ?? [] }] }),
  };
  const sns = {
    send: async (c: { input: { TopicArn: string; Message: string } }) => void published.push(c.input),
    destroy: () => undefined,
  };
  return {
    published,
    outputs,
    clients: (servers: AwsTestServers) => ({ cloudFormation: cloudFormation as never, dynamo: servers.dynamo, sns: sns as never }),
  };
}
