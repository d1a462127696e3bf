// Lambda entry of the submissions API: hono/aws-lambda turns HTTP API v2 events into app.fetch calls.
import { handle } from 'hono/aws-lambda';
import { awsDeps } from '../../shared/runtime/aws.js';
import { createApp } from './app.js';

export const handler = handle(createApp(awsDeps()));
