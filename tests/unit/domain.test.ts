import { describe, expect, it } from 'vitest';
import { newStatementId } from '../../shared/domain/ids.js';
import { canonicalLanguage, textDirection } from '../../shared/domain/language.js';
import { issuePressKey, parsePressKey, secretMatches } from '../../shared/domain/press-key.js';
import { StatementInput } from '../../shared/domain/statement.js';
import { newSubscriber, resubscribe, wantsStatement } from '../../shared/domain/subscriber.js';
import { aStatementInput } from '../helpers/factories.js';

describe('languages', () => {
  it('canonicalises BCP 47 tags and rejects what is not one', () => {
    expect(canonicalLanguage('pt-br')).toBe('pt-BR');
    expect(canonicalLanguage('EL')).toBe('el');
    expect(canonicalLanguage('not a tag')).toBeUndefined();
  });
  it.each([
    ['fa', 'rtl'],
    ['ar', 'rtl'],
    ['he', 'rtl'],
    ['ur', 'rtl'],
    ['az-Arab', 'rtl'],
    ['el', 'ltr'],
    ['tr', 'ltr'],
    ['ja', 'ltr'],
    ['ko', 'ltr'],
  ])('writes %s %s', (tag, dir) => {
    expect(textDirection(tag)).toBe(dir);
  });
});

describe('StatementInput', () => {
  it('normalises language and topics', () => {
    const s = StatementInput.parse(aStatementInput({ language: 'pt-br', topics: [' Workers '] }));
    expect(s.language).toBe('pt-BR');
    expect(s.topics).toEqual(['workers']);
  });
  it('refuses a multi-line title and a javascript: source', () => {
    expect(StatementInput.safeParse(aStatementInput({ title: 'a\nb' })).success).toBe(false);
    expect(StatementInput.safeParse(aStatementInput({ sourceUrl: 'javascript:alert(1)' })).success).toBe(false);
  });
});

describe('statement ids', () => {
  it('sort by creation time', () => {
    const a = newStatementId(new Date('2026-01-01T00:00:00Z'));
    const b = newStatementId(new Date('2026-01-01T00:00:00.001Z'));
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9a-z]{21}$/);
  });
});

describe('press keys', () => {
  it('verify only with their own secret, which is stored hashed', () => {
    const { key, record } = issuePressKey('kke', new Date());
    const parsed = parsePressKey(key);
    expect(parsed?.keyId).toBe(record.keyId);
    expect(JSON.stringify(record)).not.toContain(parsed?.secret as string);
    expect(secretMatches(record, parsed?.secret as string)).toBe(true);
    expect(secretMatches(record, 'x'.repeat(48))).toBe(false);
  });
});

describe('subscriber filters', () => {
  const st = { party: 'kke', cosigners: ['tkp'], language: 'el' };
  const subscribed = new Date('2026-11-01T10:00:00.000Z');
  const later = '2026-11-02T08:00:00.000Z';
  const sub = (parties: string[], languages: string[]) => newSubscriber({ email: 'a@b.org', parties, languages }, subscribed);
  it('match on any signing party and on language', () => {
    expect(wantsStatement(sub([], []), st, later)).toBe(true);
    expect(wantsStatement(sub(['tkp'], []), st, later)).toBe(true);
    expect(wantsStatement(sub(['dkp'], []), st, later)).toBe(false);
    expect(wantsStatement(sub([], ['el']), st, later)).toBe(true);
    expect(wantsStatement(sub([], ['el']), { ...st, language: 'el-CY' }, later)).toBe(true);
    expect(wantsStatement(sub(['kke'], ['tr']), st, later)).toBe(false);
  });
  it('never match once unsubscribed', () => {
    expect(wantsStatement({ ...sub([], []), unsubscribedAt: '2026-11-01T12:00:00.000Z' }, st, later)).toBe(false);
  });
  it('skip statements published before the subscription began, however late they are delivered', () => {
    expect(wantsStatement(sub([], []), st, '2026-11-01T09:59:59.999Z')).toBe(false);
    expect(wantsStatement(sub([], []), st, subscribed.toISOString())).toBe(true);
  });
  it('start anew when a lapsed address subscribes again, keeping its id and unsubscribe secret', () => {
    const lapsed = { ...sub(['kke'], []), unsubscribedAt: '2026-11-01T12:00:00.000Z', suppressedFor: 'bounce' as const };
    const again = resubscribe(lapsed, { email: 'a@b.org', parties: [], languages: ['el'] }, new Date(later));
    expect(again).toMatchObject({ id: lapsed.id, unsubscribeSecret: lapsed.unsubscribeSecret, subscribedAt: later, languages: ['el'] });
    expect(again.unsubscribedAt).toBeUndefined();
    expect(again.suppressedFor).toBeUndefined();
    expect(wantsStatement(again, st, '2026-11-01T11:00:00.000Z')).toBe(false);
    // Changing the filters of a live subscription keeps its start.
    expect(resubscribe(sub([], []), { email: 'a@b.org', parties: ['kke'], languages: [] }, new Date(later)).subscribedAt).toBe(
      subscribed.toISOString(),
    );
  });
});
