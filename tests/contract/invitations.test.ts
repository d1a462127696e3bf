// The statements that invite a party to sign, on both adapter sets: listed for that party until it signs
// (or the author retracts), newest first, paged, and for nobody else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../shared/platform.js';
import { retractStatement } from '../../shared/services/corrections.js';
import { signStatement, submitStatement } from '../../shared/services/statements.js';
import { adapterSets } from '../helpers/adapter-sets.js';
import { aStatementInput } from '../helpers/factories.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

describe.each(adapters.sets)('$name', ({ make }) => {
  let p: Platform;
  beforeAll(async () => {
    p = await make();
  });

  const invitationsOf = async (party: string, limit = 10) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await p.statements.listInvitations(party, { limit, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  };

  it('lists what awaits a party’s signature, newest first, until it signs or the author retracts', async () => {
    const at = (day: number) => `2026-0${day}-01T00:00:00Z`;
    const joint = [];
    for (const day of [1, 2, 3, 4]) {
      joint.push((await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp', 'jcp'], publishedAt: at(day) }))).statement);
    }
    await submitStatement(p, 'kke', aStatementInput({ publishedAt: at(5) }));
    const [first, second, third, fourth] = joint.map((s) => s.id) as [string, string, string, string];
    expect(await invitationsOf('tkp')).toEqual([fourth, third, second, first]);
    // Pages of one: every invitation once, in order, whatever is skipped.
    await signStatement(p, 'tkp', third);
    await retractStatement(p, 'kke', second, { reason: 'Withdrawn' });
    expect(await invitationsOf('tkp', 1)).toEqual([fourth, first]);
    expect(await invitationsOf('jcp')).toEqual([fourth, third, first]);
    expect(await invitationsOf('kke')).toEqual([]);
    expect(await invitationsOf('tudeh')).toEqual([]);
  });
});
