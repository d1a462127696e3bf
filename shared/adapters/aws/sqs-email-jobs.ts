// The email job queue on SQS: jobs sent ten to a call (SendMessageBatch), failed entries retried.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EmailJob } from '../../domain/mailing.js';
import type { EmailJobQueue } from '../../ports.js';

export class SqsEmailJobQueue implements EmailJobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(jobs: EmailJob[], options: { delaySeconds?: number } = {}) {
    const delay = options.delaySeconds ? { DelaySeconds: Math.min(900, Math.ceil(options.delaySeconds)) } : {};
    for (let i = 0; i < jobs.length; i += 10) {
      let entries = jobs.slice(i, i + 10).map((job, n) => ({ Id: String(n), MessageBody: JSON.stringify(job), ...delay }));
      for (let attempt = 1; entries.length; attempt++) {
        const r = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
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
