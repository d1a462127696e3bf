// Press keys: "cq_<keyId>_<secret>", shown once; the platform keeps only the secret's hash.
import { randomToken, sameHash, sha256Hex } from './ids.js';
import * as z from './schema.js';

export interface PressKeyRecord {
  keyId: string;
  party: string;
  secretHash: string;
  createdAt: string;
  /** What the office calls it ("desk laptop"); keys issued before names have none (keyName gives one). */
  name?: string;
  /**
   * A key for publishing only: it cannot issue or revoke the office's other keys, so a leaked one cannot
   * mint keys that outlive its own revocation. Keys the operator issues (and keys from before) manage keys.
   */
  publishOnly?: boolean;
  /** When a request last authenticated with it, to the minute (LAST_USE_RESOLUTION_MS). */
  lastUsedAt?: string;
  revokedAt?: string;
}

/** Enough for a key per device and per integration, with room to rotate; beyond it a leak is likelier than a need. */
export const MAX_LIVE_KEYS = 20;

/** lastUsedAt is written at most this often per key: a busy key does not add a write to every request. */
export const LAST_USE_RESOLUTION_MS = 60_000;

export const PressKeyName = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'a key needs a name, e.g. "desk laptop"'),
    z.maxLength(100, 'a key name is at most 100 characters'),
    z.regex(/^[^\p{Cc}\u2028\u2029]*$/u, 'a key name is one line of text'),
  );

const KEY_PATTERN = /^cq_([0-9a-z]{16})_([0-9a-z]{32,64})$/;

/** `name` is required wherever an office or operator issues a key (API, CLI); only tests omit it. */
export function issuePressKey(party: string, now: Date, name?: string, publishOnly = false): { key: string; record: PressKeyRecord } {
  const keyId = randomToken(10).slice(0, 16);
  const secret = randomToken(30);
  return {
    key: `cq_${keyId}_${secret}`,
    record: {
      keyId,
      party,
      secretHash: sha256Hex(secret),
      createdAt: now.toISOString(),
      ...(name ? { name } : {}),
      ...(publishOnly ? { publishOnly } : {}),
    },
  };
}

export function parsePressKey(key: string): { keyId: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(key);
  return m ? { keyId: m[1] as string, secret: m[2] as string } : undefined;
}

export function secretMatches(record: PressKeyRecord, secret: string): boolean {
  return sameHash(sha256Hex(secret), record.secretHash);
}

/** The name to show: its own, or one made from its id for keys issued before names. */
export function keyName(record: Pick<PressKeyRecord, 'keyId' | 'name'>): string {
  return record.name ?? `key ${record.keyId}`;
}

/** The latest lastUsedAt that is stale at `now`: a use is recorded only over one at or before it. */
export function lastUseStaleAt(now: Date): string {
  return new Date(now.getTime() - LAST_USE_RESOLUTION_MS).toISOString();
}

export function lastUseIsCurrent(record: Pick<PressKeyRecord, 'lastUsedAt'>, now: Date): boolean {
  return record.lastUsedAt !== undefined && record.lastUsedAt > lastUseStaleAt(now);
}
