// The terms of the queues email-jobs works (EmailJobs, EmailNotices), shared by the Email stack (which owns
// them: the API, deployed before the Pipeline, sends to EmailNotices) and the Pipeline stack (whose
// email-jobs function, needing the site's URL, works them).
import { Duration } from 'aws-cdk-lib';

/** The timeout of email-jobs; each of its queues hides a received message six times as long. */
export const EMAIL_JOBS_TIMEOUT = Duration.seconds(60);

/**
 * How long a send job may wait before ops alarms. A backlog is normal: a mailing to 100,000 subscribers at
 * SES's default rate (14 a second) takes two hours, and the jobs of the next mailings wait behind it.
 */
export const SEND_JOB_WAIT_LIMIT = Duration.hours(3);
