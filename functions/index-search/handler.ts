// Lambda entry of the index-search consumer: an SQS batch of SNS-wrapped statement events.
import { consumerHandlers } from '../../shared/consumers/handlers.js';
import { StatementEvent } from '../../shared/domain/events.js';
import { awsDeps } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

export const handler = sqsConsumer(StatementEvent, consumerHandlers(awsDeps())['index-search']);
