// Mailer on SES v2: the composed MIME message is sent as is (Content.Raw) through a configuration set,
// with backoff when SES says the account's send rate is exceeded.
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ThrottledError } from '../../errors.js';
import type { Mailer, OutgoingEmail } from '../../ports.js';

/** What SES answers when the send rate is exceeded (the SDK's own retries have passed by then). */
const THROTTLING = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

/**
 * Waits before each retry of a throttled send, with jitter of up to half of it: at most 4.5 s in all, within
 * the 5 s a consumer keeps back from its invocation's end (a job then hands the rest back to the queue).
 */
export const THROTTLE_BACKOFF_MS = [200, 400, 800, 1_600];

export class SesMailer implements Mailer {
  /** SES sends every call: the send ledger keeps a message from going out twice. */
  readonly deliversIdempotently = false;

  constructor(
    private readonly client: Pick<SESv2Client, 'send'>,
    private readonly configurationSet?: string,
    private readonly backoffMs: readonly number[] = THROTTLE_BACKOFF_MS,
  ) {}

  async send(message: OutgoingEmail): Promise<void> {
    const command = new SendEmailCommand({
      FromEmailAddress: message.from,
      Destination: { ToAddresses: [message.to] },
      Content: { Raw: { Data: message.raw } },
      ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(command);
        return;
      } catch (e) {
        if (!THROTTLING.has((e as Error)?.name)) throw e;
        const wait = this.backoffMs[attempt];
        if (wait === undefined) {
          throw new ThrottledError(`SES kept refusing for its send rate after ${attempt + 1} attempts: ${(e as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * (wait / 2)));
      }
    }
  }
}
