// Lambda entry of the index-search consumer: an SQS batch of SNS-wrapped statement events.
import { indexSearch } from '../../shared/consumers/index-search.js';
import { StatementEvent } from '../../shared/domain/events.js';
import { awsBuckets, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const settings = readAwsSettings();
// DynamoDB and S3; no mail.
const platform = { ...awsTable(settings), ...awsBuckets(settings) };

// Every record updates the one index under its lock: one after another, as they would run anyway.
export const handler = sqsConsumer(StatementEvent, (event) => indexSearch(platform, event), { inParallel: false });
