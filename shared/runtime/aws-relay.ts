// The AWS wiring of the stream relay, apart from the rest so that its bundle holds only SNS.
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { SnsEventPublisher } from '../adapters/aws/sns-publisher.js';

/** The relay needs only the topic. */
export function snsPublisher(env: NodeJS.ProcessEnv = process.env, client: SNSClient = new SNSClient({})) {
  const topic = z.string().startsWith('arn:').safeParse(env.TOPIC_ARN);
  if (!topic.success) throw new Error('TOPIC_ARN is not set to an SNS topic ARN for this function');
  return new SnsEventPublisher(client, topic.data);
}
