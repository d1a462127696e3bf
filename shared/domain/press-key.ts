// Press keys: "cq_<keyId>_<secret>", shown once; the platform keeps only the secret's hash.
import { randomToken, sameHash, sha256Hex } from './ids.js';

export interface PressKeyRecord {
  keyId: string;
  party: string;
  secretHash: string;
  createdAt: string;
  revokedAt?: string;
}

const KEY_PATTERN = /^cq_([0-9a-z]{16})_([0-9a-z]{32,64})$/;

export function issuePressKey(party: string, now: Date): { key: string; record: PressKeyRecord } {
  const keyId = randomToken(10).slice(0, 16);
  const secret = randomToken(30);
  return {
    key: `cq_${keyId}_${secret}`,
    record: { keyId, party, secretHash: sha256Hex(secret), createdAt: now.toISOString() },
  };
}

export function parsePressKey(key: string): { keyId: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(key);
  return m ? { keyId: m[1] as string, secret: m[2] as string } : undefined;
}

export function secretMatches(record: PressKeyRecord, secret: string): boolean {
  return sameHash(sha256Hex(secret), record.secretHash);
}
