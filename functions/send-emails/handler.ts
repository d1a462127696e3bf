// Lambda entry of the send-emails consumer (the mailing planner): an SQS batch of SNS-wrapped statement events.
import { sendEmails } from '../../shared/consumers/send-emails.js';
import { StatementEvent } from '../../shared/domain/events.js';
import { awsBuckets, awsEmailJobs, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const settings = readAwsSettings();
// The planner reads the statement and the subscribers, and enqueues send jobs: it mails nothing itself.
const platform = { ...awsTable(settings), ...awsBuckets(settings), ...awsEmailJobs(settings) };

export const handler = sqsConsumer(StatementEvent, (event, { deadline }) => sendEmails(platform, event, deadline));
