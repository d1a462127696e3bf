// Runs a mailing in the test's process: the planner's jobs go to a list that is worked off like the queue would be.
import { EMAIL_JOBS_QUEUE, EMAIL_NOTICES_QUEUE } from '../../shared/adapters/local/sqlite-email.js';
import { handleEmailJob } from '../../shared/consumers/email-jobs.js';
import { sendEmails } from '../../shared/consumers/send-emails.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import type { EmailJob } from '../../shared/domain/mailing.js';
import type { WalkOutcome } from '../../shared/email/mailings.js';
import type { SendJobReport } from '../../shared/email/send-job.js';
import type { Platform } from '../../shared/platform.js';
import type { EmailJobQueue } from '../../shared/ports.js';
import type { LocalPlatform } from '../../shared/runtime/local.js';

/** The job queue of a platform under test: what SQS would hold (SQS itself has no local server). */
export class MemoryEmailJobQueue implements EmailJobQueue {
  readonly jobs: EmailJob[] = [];
  /** Delayed jobs: a test releases them by moving them to `jobs`. */
  readonly delayed: EmailJob[] = [];
  async enqueue(jobs: EmailJob[], options: { delaySeconds?: number } = {}) {
    (options.delaySeconds ? this.delayed : this.jobs).push(...structuredClone(jobs));
  }
}

export interface Drained {
  /** Subscriber ids mailed, in the order their jobs ran. */
  sent: string[];
  /** Jobs that failed, with their errors: the queue would deliver them again. */
  failed: Array<{ job: EmailJob; error: unknown }>;
}

/** Works off every queued job (and the jobs they enqueue), one at a time, as a queue consumer would. */
export async function drainEmailJobs(p: Platform, queue: MemoryEmailJobQueue, deadline?: number): Promise<Drained> {
  const drained: Drained = { sent: [], failed: [] };
  for (let job = queue.jobs.shift(); job; job = queue.jobs.shift()) {
    try {
      const r = await handleEmailJob(p, job, deadline);
      if (job.kind === 'send') drained.sent.push(...(r as SendJobReport).sent);
    } catch (error) {
      drained.failed.push({ job, error });
    }
  }
  return drained;
}

/** A platform whose email jobs go to a MemoryEmailJobQueue. */
export function withMemoryJobs<P extends Platform>(p: P): P & { jobs: MemoryEmailJobQueue } {
  const jobs = new MemoryEmailJobQueue();
  return { ...p, emailJobs: jobs, jobs };
}

/**
 * The statement event through send-emails (the planner) and every job it leads to. Throws the first
 * failure, if any, after working off the rest.
 */
export async function mailEvent(p: Platform, event: StatementEvent): Promise<Drained & { outcome: WalkOutcome }> {
  const q = withMemoryJobs(p);
  const outcome = await sendEmails(q, event);
  const drained = await drainEmailJobs(q, q.jobs);
  if (drained.failed[0]) throw drained.failed[0].error;
  return { outcome, ...drained };
}

/** Works off the embedded platform's own email job queue (the queue table), as its worker would. */
export async function drainLocalEmailJobs(p: LocalPlatform): Promise<Drained> {
  const drained: Drained = { sent: [], failed: [] };
  const receive = () => [...p.queues.receive(EMAIL_NOTICES_QUEUE, 10), ...p.queues.receive(EMAIL_JOBS_QUEUE, 10)];
  for (let batch = receive(); batch.length; batch = receive()) {
    for (const m of batch) {
      const job = JSON.parse(m.body) as EmailJob;
      try {
        const r = await handleEmailJob(p, job);
        if (job.kind === 'send') drained.sent.push(...(r as SendJobReport).sent);
        p.queues.acknowledge(m.id);
      } catch (error) {
        drained.failed.push({ job, error });
        p.queues.acknowledge(m.id);
      }
    }
  }
  return drained;
}
