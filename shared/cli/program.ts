// The CLI's commands (commander): parties, press keys, subscribers, email, dead letters, archives.
import { Command, CommanderError, Option } from 'commander';
import * as z from 'zod';
import { CONSUMERS } from '../domain/events.js';
import { Party } from '../domain/party.js';
import { republishStatements } from '../services/republish.js';
import type { AwsCliClients } from './aws-target.js';
import { parseOrExplain, type WithTarget } from './commands.js';
import { addEmailCommands } from './email-commands.js';
import { IncompleteImportError, importArchive } from './import-archive.js';
import { addKeyCommands } from './key-commands.js';
import { startProgress } from './progress.js';
import { addSubscriberCommands } from './subscriber-commands.js';
import { openTarget, UsageError } from './targets.js';

export function buildCli(out: (line: string) => void = console.log, aws?: AwsCliClients): Command {
  const program = new Command('communique')
    .description(
      'Operate a Communiqué platform: parties, press keys, audit logs, subscribers, email, dead letters, republishing and importing archives.',
    )
    .addOption(
      new Option('--target <target>', 'the platform to act on: the local one under DATA_DIR, or a deployed stage')
        .choices(['local', 'aws'])
        .default('local'),
    )
    .option('--stage <stage>', 'with --target aws: the deployed stage (dev, prod)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const withTarget: WithTarget = async (use) => {
    const t = await openTarget({ ...program.opts(), ...(aws ? { aws } : {}) });
    try {
      await use(t);
    } finally {
      await t.close();
    }
  };

  const parties = program.command('parties').description('the parties that publish here');
  parties
    .command('add')
    .description('add a party, or update it if the id exists')
    .requiredOption('--id <id>', 'short lower-case id, e.g. kke')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--country <code>', 'ISO 3166-1 alpha-2 code, e.g. GR')
    .requiredOption('--language <tag>', 'BCP 47 tag of its usual language, e.g. el')
    .option('--website <url>', 'its website')
    .action(async (o) => {
      const party = parseOrExplain(Party, o, 'party');
      await withTarget(async (t) => {
        await t.platform.parties.put(party);
        out(`party ${party.id} saved: ${party.name} (${party.country}, ${party.language})`);
      });
    });
  parties
    .command('list')
    .description('list the parties')
    .action(async () => {
      await withTarget(async (t) => {
        for (const p of await t.platform.parties.list()) out(`${p.id}\t${p.country}\t${p.language}\t${p.name}`);
      });
    });

  addKeyCommands(program, out, withTarget);
  addSubscriberCommands(program, out, withTarget);
  addEmailCommands(program, out, withTarget);

  const dlq = program.command('dlq').description('dead letters: events a consumer failed on too often');
  const queueOption = () => new Option('--queue <name>', 'one consumer queue').choices([...CONSUMERS]);
  dlq
    .command('list')
    .description('list dead letters')
    .addOption(queueOption())
    .action(async (o: { queue?: string }) => {
      await withTarget(async (t) => {
        const letters = t.deadLetters(o.queue);
        for (const d of letters) out(`${d.id}\t${d.queue}\tattempts ${d.attempts}\t${d.deadAt}\t${d.lastError ?? ''}\t${d.body}`);
        if (letters.length === 0) out('no dead letters');
      });
    });
  dlq
    .command('redrive')
    .description('put dead letters back on their queues for another round of attempts')
    .addOption(queueOption())
    .action(async (o: { queue?: string }) => {
      await withTarget(async (t) => {
        out(`redrove ${t.redrive(o.queue)} dead letter(s); the running platform picks them up`);
      });
    });
  program
    .command('import')
    .description('load an existing archive: parties (created or updated) and statements, kept as they were published; safe to repeat')
    .requiredOption('--parties <file>', 'a JSON array of parties: id, name, country, language (short, website optional)')
    .requiredOption('--statements <file>', 'JSON Lines, one statement a line: id, party, title, body, language, publishedAt, …')
    .action(async (o: { parties: string; statements: string }) => {
      await withTarget(async (t) => {
        const report = await importArchive(await t.statementWriter(), o, { out, err: (line) => console.error(line) });
        out(
          `imported ${report.imported} statement(s), ${report.alreadyThere} already there, ${report.badLines} bad line(s) skipped; ` +
            `${report.parties} parties saved; ${t.importNote}`,
        );
        if (report.badLines) {
          throw new IncompleteImportError(
            `${report.badLines} line(s) were not imported (see above); fix them and import again: what is there already is skipped`,
          );
        }
      });
    });

  program
    .command('rebuild')
    .description(
      'regenerate every page, feed, sitemap and the search index from the stored statements; safe to repeat. ' +
        'Locally, stop `npm start` first or write elsewhere with --out (the two processes share no lock); on AWS it fans out over the queue',
    )
    .option('--out <dir>', 'write the site into this directory instead of the live one (locally)')
    .action(async (o: { out?: string }) => {
      await withTarget(async (t) => {
        out(await t.rebuild({ ...(o.out ? { outDir: o.out } : {}), out }));
      });
    });

  program
    .command('republish')
    .description('re-emit the events of statements stored since a time, to every consumer (pages, search, email); safe to repeat')
    .requiredOption('--since <time>', 'ISO 8601 time, e.g. 2026-11-28T00:00:00Z: statements stored at or after it')
    .option('--unrelayed', 'only statements whose event the relay never passed on')
    .action(async (o: { since: string; unrelayed?: boolean }) => {
      const since = parseOrExplain(IsoTime, o.since, '--since');
      await withTarget(async (t) => {
        const progress = startProgress('republishing', out);
        const report = await republishStatements(t.platform.statements, t.publisher, {
          since,
          onlyUnrelayed: o.unrelayed === true,
          onProgress: (r) => progress.update(r.seen, `${r.republished} republished`),
        });
        progress.stop();
        out(
          `republished ${report.republished} of ${report.seen} statement(s) stored since ${since}` +
            ` (${report.unrelayed} had never been relayed); ${t.republishNote}`,
        );
      });
    });
  return program;
}

/** A time with its offset, normalised to UTC ("2026-11-28T00:00:00.000Z"), as statements record it. */
const IsoTime = z.iso
  .datetime({ offset: true, message: 'give an ISO 8601 time with a zone, e.g. 2026-11-28T00:00:00Z' })
  .transform((t) => new Date(t).toISOString());

export async function runCli(argv: string[], out: (line: string) => void = console.log, aws?: AwsCliClients): Promise<number> {
  try {
    await buildCli(out, aws).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const message = (e as Error).message ?? String(e);
    console.error(`communique: ${message}`);
    return e instanceof UsageError ? 2 : 1;
  }
}
