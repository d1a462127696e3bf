// Lambda entry of the render-pages consumer: an SQS batch of SNS-wrapped statement events.
import { consumerHandlers } from '../../shared/consumers/handlers.js';
import { awsDeps } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

export const handler = sqsConsumer(consumerHandlers(awsDeps())['render-pages']);
