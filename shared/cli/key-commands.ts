// The CLI's `keys` commands (named press keys, shown once) and `audit` (what an office did, newest first).
import type { Command } from 'commander';
import { keyName, PressKeyName } from '../domain/press-key.js';
import { ConflictError } from '../errors.js';
import { issueNamedKey } from '../services/press-keys.js';
import { CountArgument, parseOrExplain, type WithTarget } from './commands.js';
import { UsageError } from './targets.js';

export function addKeyCommands(program: Command, out: (line: string) => void, withTarget: WithTarget): void {
  const keys = program.command('keys').description('press keys: one party each, named, shown once');
  keys
    .command('issue')
    .description('issue a new press key for a party; the key is printed once, alone on the last line')
    .requiredOption('--party <id>', 'the party the key acts for')
    // Checked here rather than by commander, so that a missing name gets one line that says what to give.
    .option('--name <name>', 'what the office calls it, e.g. "desk laptop" or "website CMS" (1-100 characters)')
    .action(async (o: { party: string; name?: string }) => {
      if (o.name === undefined)
        throw new UsageError('keys issue needs --name, e.g. --name "desk laptop": the office sees it in its key list');
      const name = parseOrExplain(PressKeyName, o.name, '--name');
      await withTarget(async (t) => {
        if (!(await t.platform.parties.get(o.party))) {
          throw new UsageError(`no party "${o.party}"; add it first with \`parties add\` or see \`parties list\``);
        }
        const { key, record } = await issueNamedKey(t.platform, o.party, name).catch((e: unknown) => {
          throw e instanceof ConflictError
            ? new UsageError(`${e.message} (\`keys list --party ${o.party}\`, then \`keys revoke KEY_ID\`)`)
            : e;
        });
        out(`Issued key ${record.keyId} "${name}" for ${o.party}. Store it now: it is not shown again.`);
        out(key);
      });
    });
  keys
    .command('revoke')
    .description('revoke a press key; requests with it fail from now on')
    .argument('<key-id>', 'the key id (the part after "cq_", as printed when issued)')
    .action(async (keyId: string) => {
      await withTarget(async (t) => {
        const id = keyId.replace(/^cq_/, '').split('_')[0] as string;
        if (!(await t.platform.keys.revoke(id, t.platform.clock.now().toISOString()))) {
          throw new UsageError(`no key "${id}"; see \`keys list --party ID\``);
        }
        out(`key ${id} revoked`);
      });
    });
  keys
    .command('list')
    .description("list a party's keys: id, name, when issued and last used, and whether revoked (secrets are never stored)")
    .requiredOption('--party <id>', 'the party')
    .action(async (o: { party: string }) => {
      await withTarget(async (t) => {
        for (const k of await t.platform.keys.listForParty(o.party)) {
          const used = k.lastUsedAt ? `last used ${k.lastUsedAt}` : 'never used';
          out(`${k.keyId}\t${keyName(k)}\tcreated ${k.createdAt}\t${used}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`);
        }
      });
    });

  program
    .command('audit')
    .description("a party's audit log, newest first: when, through what (api, desk), which key, what it did and to what")
    .requiredOption('--party <id>', 'the party')
    .option('--limit <n>', 'at most this many entries', '50')
    .option('--cursor <c>', 'continue where the previous listing stopped')
    .action(async (o: { party: string; limit: string; cursor?: string }) => {
      const limit = parseOrExplain(CountArgument(1000), o.limit, '--limit');
      await withTarget(async (t) => {
        const page = await t.platform.audit.list(o.party, { limit, ...(o.cursor ? { cursor: o.cursor } : {}) });
        for (const e of page.items) {
          const what = [e.action, e.target, e.detail && `"${e.detail}"`].filter(Boolean).join(' ');
          out(`${e.at}\t${e.via}\t${e.keyName} (${e.keyId})\t${what}${e.ip ? `\tfrom ${e.ip}` : ''}`);
        }
        if (page.items.length === 0) out(`no entries for ${o.party}`);
        if (page.nextCursor) out(`next: --cursor ${page.nextCursor}`);
      });
    });
}
