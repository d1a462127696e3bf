// The CLI on a deployed stage: finds the table through the Data stack's outputs, then uses the same
// DynamoDB repositories as the Lambdas.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoPartyRepository, DynamoPressKeyRepository, DynamoSubscriberRepository } from '../adapters/aws/dynamo-catalog.js';
import { stackName } from '../deployment.js';
import { systemClock } from '../ports.js';
import { tableRef } from '../runtime/aws.js';
import { type CliTarget, UsageError } from './targets.js';

export interface AwsCliClients {
  cloudFormation?: CloudFormationClient;
  dynamo?: DynamoDBClient;
}

export async function openAwsTarget(stage: string | undefined, clients: AwsCliClients = {}): Promise<CliTarget> {
  if (!stage || !/^[a-z][a-z0-9-]{0,20}$/.test(stage)) throw new UsageError('--target aws needs --stage, e.g. --stage dev');
  const cloudFormation = clients.cloudFormation ?? new CloudFormationClient({});
  const name = stackName(stage, 'Data');
  let outputs: Array<{ OutputKey?: string; OutputValue?: string }>;
  try {
    const r = await cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
    outputs = r.Stacks?.[0]?.Outputs ?? [];
  } catch (e) {
    throw new UsageError(
      `cannot read stack ${name} (${(e as Error).message}); deploy it with \`npx cdk deploy --all -c stage=${stage}\`, or set AWS_PROFILE/AWS_REGION to where it is`,
    );
  }
  const tableName = outputs.find((o) => o.OutputKey === 'TableName')?.OutputValue;
  if (!tableName) throw new UsageError(`stack ${name} has no TableName output; redeploy it with this version`);
  const dynamo = clients.dynamo ?? new DynamoDBClient({});
  const table = tableRef(dynamo, tableName);
  const onlyLocal = () => {
    throw new UsageError('dlq commands act on the local platform; on AWS, redrive a dead-letter queue with SQS (StartMessageMoveTask)');
  };
  return {
    platform: {
      clock: systemClock,
      parties: new DynamoPartyRepository(table),
      keys: new DynamoPressKeyRepository(table),
      subscribers: new DynamoSubscriberRepository(table),
    },
    deadLetters: onlyLocal,
    redrive: onlyLocal,
    close: async () => {
      if (!clients.dynamo) dynamo.destroy();
      if (!clients.cloudFormation) cloudFormation.destroy();
    },
  };
}
