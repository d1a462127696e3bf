// The AWS wiring of the stream relay, apart from the rest so that its bundle holds only SNS and DynamoDB.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStatementRepository } from '../adapters/aws/dynamo-statements.js';
import { SnsEventPublisher } from '../adapters/aws/sns-publisher.js';
import * as z from '../domain/schema.js';

/** The relay needs the topic, and the table to record on each statement that its event was relayed. */
export function relayDeps(env: NodeJS.ProcessEnv = process.env, sns: SNSClient = new SNSClient({}), dynamo = new DynamoDBClient({})) {
  const topic = z.string().check(z.startsWith('arn:')).safeParse(env.TOPIC_ARN);
  if (!topic.success) throw new Error('TOPIC_ARN is not set to an SNS topic ARN for this function');
  const table = z.string().check(z.minLength(1)).safeParse(env.TABLE_NAME);
  if (!table.success) throw new Error('TABLE_NAME is not set for this function');
  return {
    publisher: new SnsEventPublisher(sns, topic.data),
    statements: new DynamoStatementRepository({ client: DynamoDBDocumentClient.from(dynamo), tableName: table.data }),
  };
}
