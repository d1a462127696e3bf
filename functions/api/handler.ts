// Lambda entry of the submissions API: hono/aws-lambda turns HTTP API v2 events into app.fetch calls.
import { handle } from 'hono/aws-lambda';
import { awsBuckets, awsEmailJobs, awsEmbargoTimer, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { createApp } from './app.js';

const settings = readAwsSettings();
// DynamoDB and S3, the email job queue (a confirmation is a job: the API sends no mail itself), and
// EventBridge Scheduler for embargoes.
export const handler = handle(
  createApp({ ...awsTable(settings), ...awsBuckets(settings), ...awsEmailJobs(settings), ...awsEmbargoTimer(settings) }),
);
