// Lambda entry of digests (EventBridge Scheduler, hourly): starts the mailing of every ended digest period.
import { startDueDigests } from '../../shared/email/digests.js';
import { awsEmailJobs, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';

const settings = readAwsSettings();
const platform = { ...awsTable(settings), ...awsEmailJobs(settings) };

export const handler = async (): Promise<{ started: string[] }> => ({ started: await startDueDigests(platform) });
