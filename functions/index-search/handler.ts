// Lambda entry of the index-search consumer: an SQS batch of SNS-wrapped statement events.
import { indexSearch } from '../../shared/consumers/index-search.js';
import { StatementEvent } from '../../shared/domain/events.js';
import { awsDeps } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const platform = awsDeps();

export const handler = sqsConsumer(StatementEvent, (event) => indexSearch(platform, event));
