// Direct uploads on the embedded platform: a form like S3's presigned POST, whose policy (key, type, size,
// expiry) is signed with a secret kept under DATA_DIR, posted to the platform's own POST /v1/uploads/<id>.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as z from '../../domain/schema.js';
import type { UploadConditions, UploadForm, UploadTargets } from '../../ports.js';

const Policy = z.object({ id: z.string(), key: z.string(), contentType: z.string(), maxBytes: z.int(), expiration: z.iso.datetime() });

export class SignedFormUploads implements UploadTargets {
  constructor(
    private readonly secret: Uint8Array,
    /** The platform's public origin: the form is posted to it. */
    private readonly siteUrl: string,
  ) {}

  async prepare(c: UploadConditions): Promise<UploadForm> {
    const policy = Buffer.from(
      JSON.stringify({ id: c.id, key: c.key, contentType: c.contentType, maxBytes: c.maxBytes, expiration: c.expiresAt.toISOString() }),
    ).toString('base64url');
    return {
      url: `${this.siteUrl}/v1/uploads/${encodeURIComponent(c.id)}`,
      // The same names as S3's form where they mean the same: a client fills both kinds alike.
      fields: { key: c.key, 'Content-Type': c.contentType, policy, signature: this.sign(policy) },
    };
  }

  verify(fields: Record<string, string>): UploadConditions | undefined {
    const { policy, signature } = fields;
    if (!policy || !signature) return undefined;
    const expected = Buffer.from(this.sign(policy));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const parsed = Policy.safeParse(JSON.parse(Buffer.from(policy, 'base64url').toString('utf8')));
    if (!parsed.success) return undefined;
    const p = parsed.data;
    // As S3 holds a form to its policy's conditions: the fields sent must be the ones signed.
    if (fields.key !== p.key || fields['Content-Type'] !== p.contentType) return undefined;
    return { id: p.id, key: p.key, contentType: p.contentType, maxBytes: p.maxBytes, expiresAt: new Date(p.expiration) };
  }

  private sign(policy: string): string {
    return createHmac('sha256', this.secret).update(policy).digest('base64url');
  }
}

const SECRET_BYTES = 32;

/**
 * The data dir's upload-signing secret, made on first use. Written to a temporary file, synced, then
 * linked into place, so that two processes starting at once agree on one secret and a power cut never
 * leaves a short one behind.
 */
export function uploadSigningSecret(dataDir: string): Uint8Array {
  const file = path.join(dataDir, 'secrets', 'upload-signing.key');
  const existing = readSecret(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, randomBytes(SECRET_BYTES));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  const made = readSecret(file);
  if (!made) throw new Error(`${file} is not a ${SECRET_BYTES}-byte secret; remove it to make a new one`);
  return made;
}

function readSecret(file: string): Uint8Array | undefined {
  try {
    const bytes = fs.readFileSync(file);
    return bytes.length === SECRET_BYTES ? bytes : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
