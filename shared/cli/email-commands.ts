// The CLI's `email` commands: what the platform mailed and what came back, against SES's limits.
import type { Command } from 'commander';
import type { EmailCounts } from '../ports.js';
import { CountArgument, parseOrExplain, type WithTarget } from './commands.js';

/**
 * SES reviews an account whose complaint rate reaches 0.1% (and may pause its sending at 0.5%), or whose
 * bounce rate reaches 5% (10%): warn at the first mark, while there is still time to act.
 */
const COMPLAINTS_REVIEWED_AT = 0.001;
const BOUNCES_REVIEWED_AT = 0.05;

const rate = (count: number, sent: number) => (sent === 0 ? 'n/a' : `${((100 * count) / sent).toFixed(3)}%`);

/** The first day of the last `days` days, today (UTC) included, as the stats key their days. */
export function firstDayOf(days: number, now: Date): string {
  return new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

/** The totals of these days with their rates, and a warning for each rate that SES would act on. */
export function emailStatsLines(days: Array<EmailCounts & { day: string }>): string[] {
  const sum = (k: keyof EmailCounts) => days.reduce((n, d) => n + d[k], 0);
  const total: EmailCounts = { sent: sum('sent'), bounces: sum('bounces'), complaints: sum('complaints') };
  const lines = [
    `sent ${total.sent}, bounces ${total.bounces}, complaints ${total.complaints}; ` +
      `bounce rate ${rate(total.bounces, total.sent)}, complaint rate ${rate(total.complaints, total.sent)}`,
  ];
  if (total.sent > 0 && total.complaints >= COMPLAINTS_REVIEWED_AT * total.sent) {
    lines.push(
      `warning: the complaint rate ${rate(total.complaints, total.sent)} is at or above 0.1%: SES puts an account under review ` +
        'at 0.1% and may pause its sending at 0.5%; check who is mailed and that every message says why',
    );
  }
  if (total.sent > 0 && total.bounces >= BOUNCES_REVIEWED_AT * total.sent) {
    lines.push(
      `warning: the bounce rate ${rate(total.bounces, total.sent)} is at or above 5%: SES puts an account under review ` +
        'at 5% and may pause its sending at 10%; check the addresses recently imported',
    );
  }
  return lines;
}

export function addEmailCommands(program: Command, out: (line: string) => void, withTarget: WithTarget): void {
  const email = program.command('email').description('the email the platform sends');
  email
    .command('stats')
    .description("messages sent, bounces and complaints over the last days, with their rates and a warning near SES's limits")
    .option('--days <n>', 'the last this many days, today (UTC) included', '30')
    .option('--by-day', 'a line for each day, too')
    .action(async (o: { days: string; byDay?: boolean }) => {
      const days = parseOrExplain(CountArgument(3660), o.days, '--days');
      await withTarget(async (t) => {
        const from = firstDayOf(days, t.platform.clock.now());
        const counts = await t.platform.emailStats.since(from);
        out(`email since ${from} (${days} day${days === 1 ? '' : 's'}):`);
        if (o.byDay) for (const d of counts) out(`${d.day}\tsent ${d.sent}\tbounces ${d.bounces}\tcomplaints ${d.complaints}`);
        for (const line of emailStatsLines(counts)) out(line);
      });
    });
}
