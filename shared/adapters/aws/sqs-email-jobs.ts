// The email job queues on SQS: send jobs and plan jobs to EmailJobs, subscribe requests to EmailNotices
// (so that a confirmation never waits behind a mailing); ten to a call (SendMessageBatch), failures retried.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type EmailJob, isNotice } from '../../domain/mailing.js';
import type { EmailJobQueue } from '../../ports.js';

export interface EmailQueueUrls {
  jobs?: string;
  notices?: string;
}

export class SqsEmailJobQueue implements EmailJobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: EmailQueueUrls,
  ) {}

  async enqueue(jobs: EmailJob[], options: { delaySeconds?: number } = {}) {
    const notices = jobs.filter(isNotice);
    const others = jobs.filter((j) => !isNotice(j));
    if (notices.length) await this.send(this.urls.notices, 'EMAIL_NOTICES_QUEUE_URL', notices, options.delaySeconds);
    if (others.length) await this.send(this.urls.jobs, 'EMAIL_JOBS_QUEUE_URL', others, options.delaySeconds);
  }

  private async send(url: string | undefined, variable: string, jobs: EmailJob[], delaySeconds?: number) {
    if (!url) throw new Error(`this function has no ${variable}; give it one in infra/ if it enqueues these email jobs`);
    const delay = delaySeconds ? { DelaySeconds: Math.min(900, Math.ceil(delaySeconds)) } : {};
    for (let i = 0; i < jobs.length; i += 10) {
      let entries = jobs.slice(i, i + 10).map((job, n) => ({ Id: String(n), MessageBody: JSON.stringify(job), ...delay }));
      for (let attempt = 1; entries.length; attempt++) {
        const r = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
        const failed = new Set((r.Failed ?? []).map((f) => f.Id));
        if (failed.size && attempt === 3) {
          throw new Error(`SQS refused ${failed.size} email jobs: ${(r.Failed ?? []).map((f) => f.Message).join('; ')}`);
        }
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }
}
