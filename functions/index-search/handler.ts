// Lambda entry of the index-search consumer: an SQS batch of SNS-wrapped statement events.
import { indexSearch, indexSearchOf } from '../../shared/consumers/index-search.js';
import { StatementEvent } from '../../shared/domain/events.js';
import { awsBuckets, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const settings = readAwsSettings();
// DynamoDB and S3; no mail.
const platform = { ...awsTable(settings), ...awsBuckets(settings) };

// A batch goes into the index's delta in one update; record by record (one after another: they all wait on
// the index's lock) only if that fails. Merging the delta into the base is compact-search's (scheduled).
export const handler = sqsConsumer(StatementEvent, (event) => indexSearch(platform, event, { compact: false }), {
  inParallel: false,
  batch: (events) => indexSearchOf(platform, events, { compact: false }),
});
