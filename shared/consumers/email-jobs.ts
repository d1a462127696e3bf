// email-jobs: the planner's continuations and the senders' jobs, from one queue (SQS on AWS, the queue table locally).
import { EmailJob } from '../domain/mailing.js';
import { walkMailing } from '../email/mailings.js';
import { sendJob } from '../email/send-job.js';
import { acceptSubscription } from '../email/subscribe.js';
import type { Platform } from '../platform.js';

/** How long one job runs at most before it stops and leaves the rest to the queue's retry. */
export const JOB_BUDGET_MS = 45_000;

/** A queue record's body, checked, then run (the local queues and tests hand over raw bodies). */
export async function handleEmailJob(p: Platform, body: unknown, deadline = Date.now() + JOB_BUDGET_MS): Promise<unknown> {
  return runEmailJob(p, EmailJob.parse(body), deadline);
}

/** A job already checked (the Lambda's consumer parses each record with the same schema). */
export async function runEmailJob(p: Platform, job: EmailJob, deadline = Date.now() + JOB_BUDGET_MS): Promise<unknown> {
  if (job.kind === 'plan') return walkMailing(p, job.mailing, deadline);
  if (job.kind === 'subscribe') return acceptSubscription(p, job);
  return sendJob(p, job, deadline);
}
