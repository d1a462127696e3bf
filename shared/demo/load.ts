// Loads the committed demo data into an empty platform, through the same path as a press office's submission.
import fs from 'node:fs';
import path from 'node:path';
import { Party } from '../domain/party.js';
import type { StatementInput } from '../domain/statement.js';
import type { Platform } from '../platform.js';
import { signStatement, submitStatement } from '../services/statements.js';
import demo from './demo-data.json' with { type: 'json' };

export interface DemoData {
  parties: Array<{ id: string; name: string; country: string; language: string }>;
  statements: Array<StatementInput & { party: string }>;
}

/**
 * Loads the demo once per data dir: on an empty platform, or to finish a load that was interrupted
 * (submissions carry idempotency keys, so a second run adds nothing twice). Returns statements loaded.
 */
export async function loadDemoData(p: Platform, dataDir?: string): Promise<number> {
  const marker = dataDir ? path.join(dataDir, 'demo-state') : undefined;
  const state = marker && fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : undefined;
  if (state === 'done') return 0;
  if (state === undefined && (await p.statements.list({ limit: 1 })).items.length > 0) return 0;
  if (marker) fs.writeFileSync(marker, 'loading');
  const data = demo as DemoData;
  for (const party of data.parties) await p.parties.put(Party.parse(party));
  let created = 0;
  for (const [i, s] of data.statements.entries()) {
    const result = await submitStatement(p, s.party, s, `demo-${i}`);
    if (result.created) created++;
    // The demo's joint statements, signed by each cosigner as its own press office would (signing twice is a no-op).
    for (const cosigner of result.statement.invited) await signStatement(p, cosigner, result.statement.id);
  }
  if (marker) fs.writeFileSync(marker, 'done');
  return created;
}
