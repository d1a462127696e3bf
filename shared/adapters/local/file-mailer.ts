// Mailer that writes each message as an .eml file under DATA_DIR/outbox, named by its message key.
import type { Mailer, OutgoingEmail } from '../../ports.js';
import { FileObjectStore } from './file-store.js';

export class FileMailer implements Mailer {
  /** The file name is the message key, so a second send of the same message replaces it with itself. */
  readonly deliversIdempotently = true;
  private readonly files: FileObjectStore;

  constructor(readonly outboxDir: string) {
    this.files = new FileObjectStore(outboxDir);
  }

  async send(message: OutgoingEmail): Promise<void> {
    await this.files.put(`${message.messageKey}.eml`, message.raw, 'message/rfc822');
  }
}
