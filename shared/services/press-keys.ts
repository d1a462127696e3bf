// An office's own keys: issuing named keys within the live-key limit, and revoking them (rotation is both).
import { issuePressKey, MAX_LIVE_KEYS, type PressKeyRecord } from '../domain/press-key.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Platform } from '../platform.js';

const KEY_ID = /^[0-9a-z]{16}$/;

/** A new key for the party, shown once (`key`); ConflictError at the party's limit of live keys. */
export async function issueNamedKey(
  p: Pick<Platform, 'keys' | 'clock'>,
  party: string,
  name: string,
  publishOnly = false,
): Promise<{ key: string; record: PressKeyRecord }> {
  const issued = issuePressKey(party, p.clock.now(), name, publishOnly);
  if (!(await p.keys.putWithinLimit(issued.record, MAX_LIVE_KEYS))) {
    throw new ConflictError(
      `${party} already has ${MAX_LIVE_KEYS} live keys, the most a party may have; revoke one it no longer uses first.`,
    );
  }
  return issued;
}

/** The party's own key, or NotFoundError: another party's key id is as unknown as one never issued. */
export async function ownKey(p: Pick<Platform, 'keys'>, party: string, keyId: string): Promise<PressKeyRecord> {
  // A path segment of any length would otherwise reach the table as a key (DynamoDB refuses keys over 2 KB).
  const record = KEY_ID.test(keyId) ? await p.keys.get(keyId) : undefined;
  if (!record || record.party !== party) throw new NotFoundError(`No key ${keyId.slice(0, 40)} among ${party}'s keys.`);
  return record;
}

/**
 * Revokes one of the party's keys (a second time changes nothing: `revokedNow` false) and ends the desk
 * sessions signed in with it at once, rather than at their next request. The record as it is after.
 */
export async function revokeOwnKey(
  p: Pick<Platform, 'keys' | 'sessions' | 'clock'>,
  party: string,
  keyId: string,
): Promise<{ record: PressKeyRecord; revokedNow: boolean }> {
  const before = await ownKey(p, party, keyId);
  const at = p.clock.now().toISOString();
  await p.keys.revoke(keyId, at);
  await p.sessions.revokeAllForKey(keyId, at);
  const record = await ownKey(p, party, keyId);
  return { record, revokedNow: before.revokedAt === undefined && record.revokedAt === at };
}
