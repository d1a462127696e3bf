// Lambda entry of the send-emails consumer: an SQS batch of SNS-wrapped statement events.
import { sendEmails } from '../../shared/consumers/send-emails.js';
import { StatementEvent } from '../../shared/domain/events.js';
import { awsBuckets, awsMailer, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const settings = readAwsSettings();
const platform = { ...awsTable(settings), ...awsBuckets(settings), ...awsMailer(settings) };

export const handler = sqsConsumer(StatementEvent, (event) => sendEmails(platform, event));
