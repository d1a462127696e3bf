// email-jobs: the planner's continuations and the senders' jobs, from one queue (SQS on AWS, the queue table locally).
import { EmailJob } from '../domain/mailing.js';
import { walkMailing } from '../email/mailings.js';
import { sendJob } from '../email/send-job.js';
import { acceptSubscription } from '../email/subscribe.js';
import type { Platform } from '../platform.js';

/** How long one job runs at most before it stops and leaves the rest to the queue's retry. */
export const JOB_BUDGET_MS = 45_000;

export async function handleEmailJob(p: Platform, body: unknown, deadline = Date.now() + JOB_BUDGET_MS): Promise<unknown> {
  const job = EmailJob.parse(body);
  if (job.kind === 'plan') return walkMailing(p, job.mailing, deadline);
  if (job.kind === 'subscribe') return acceptSubscription(p, job);
  return sendJob(p, job, deadline);
}
