// The desk sessions contract, run against both adapter sets: sessions stored by the hash of their id,
// touched, revoked one by one and all of a key's at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken, sha256Hex } from '../../shared/domain/ids.js';
import type { Platform } from '../../shared/platform.js';
import type { DeskSession } from '../../shared/ports.js';
import { adapterSets } from '../helpers/adapter-sets.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

function aSession(overrides: Partial<DeskSession> = {}): DeskSession {
  const at = new Date('2026-11-29T10:00:00Z');
  return {
    idHash: sha256Hex(randomToken(32)),
    party: 'kke',
    keyId: 'k1k1k1k1k1k1k1k1',
    createdAt: at.toISOString(),
    lastSeenAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + 8 * 3600_000).toISOString(),
    ...overrides,
  };
}

describe.each(adapters.sets)('$name', ({ make }) => {
  let p: Platform;
  beforeAll(async () => {
    p = await make();
  });

  it('stores a session under the hash of its id, and knows no other', async () => {
    const s = aSession();
    await p.sessions.create(s);
    expect(await p.sessions.get(s.idHash)).toEqual(s);
    expect(await p.sessions.get(sha256Hex('no such session'))).toBeUndefined();
  });

  it('records activity until the session is revoked; revoking twice keeps the first time', async () => {
    const s = aSession();
    await p.sessions.create(s);
    await p.sessions.touch(s.idHash, '2026-11-29T10:05:00.000Z');
    expect((await p.sessions.get(s.idHash))?.lastSeenAt).toBe('2026-11-29T10:05:00.000Z');
    expect(await p.sessions.revoke(s.idHash, '2026-11-29T10:06:00.000Z')).toBe(true);
    expect(await p.sessions.revoke(s.idHash, '2026-11-29T10:07:00.000Z')).toBe(true);
    await p.sessions.touch(s.idHash, '2026-11-29T10:08:00.000Z');
    expect(await p.sessions.get(s.idHash)).toEqual({ ...s, lastSeenAt: '2026-11-29T10:05:00.000Z', revokedAt: '2026-11-29T10:06:00.000Z' });
    expect(await p.sessions.revoke(sha256Hex('none'), '2026-11-29T10:06:00.000Z')).toBe(false);
  });

  it('revokes every live session of a key, and no other key’s', async () => {
    const keyId = 'k2k2k2k2k2k2k2k2';
    const laptop = aSession({ keyId });
    const phone = aSession({ keyId });
    const ended = aSession({ keyId, revokedAt: '2026-11-29T09:00:00.000Z' });
    const other = aSession({ keyId: 'k3k3k3k3k3k3k3k3' });
    for (const s of [laptop, phone, ended, other]) await p.sessions.create(s);
    const at = '2026-11-29T11:00:00.000Z';
    expect(await p.sessions.revokeAllForKey(keyId, at)).toBe(2);
    expect((await p.sessions.get(laptop.idHash))?.revokedAt).toBe(at);
    expect((await p.sessions.get(phone.idHash))?.revokedAt).toBe(at);
    expect((await p.sessions.get(ended.idHash))?.revokedAt).toBe('2026-11-29T09:00:00.000Z');
    expect((await p.sessions.get(other.idHash))?.revokedAt).toBeUndefined();
    expect(await p.sessions.revokeAllForKey(keyId, at)).toBe(0);
  });
});
