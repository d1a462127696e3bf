// Lambda entry of email-jobs: the mailing planner's continuations and the send jobs, from the EmailJobs queue.
import { runEmailJob } from '../../shared/consumers/email-jobs.js';
import { EmailJob } from '../../shared/domain/mailing.js';
import { awsBuckets, awsEmailJobs, awsMailer, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const settings = readAwsSettings();
const platform = { ...awsTable(settings), ...awsBuckets(settings), ...awsMailer(settings), ...awsEmailJobs(settings) };

export const handler = sqsConsumer(EmailJob, (job, { deadline }) => runEmailJob(platform, job, deadline), { sns: false });
