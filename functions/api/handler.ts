// Lambda entry of the submissions API: hono/aws-lambda turns HTTP API v2 events into app.fetch calls.
import { handle } from 'hono/aws-lambda';
import { awsBuckets, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { createApp } from './app.js';

const settings = readAwsSettings();
// DynamoDB and S3; the API sends no mail.
export const handler = handle(createApp({ ...awsTable(settings), ...awsBuckets(settings) }));
