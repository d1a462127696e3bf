// Mailer on SES v2: the composed MIME message is sent as is (Content.Raw) through a configuration set.
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '../../ports.js';

export class SesMailer implements Mailer {
  /** SES sends every call: the send ledger keeps a message from going out twice. */
  readonly deliversIdempotently = false;

  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSet?: string,
  ) {}

  async send(message: OutgoingEmail): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: [message.to] },
        Content: { Raw: { Data: message.raw } },
        ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
      }),
    );
  }
}
