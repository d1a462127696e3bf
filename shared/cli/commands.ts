// What the command modules share: validation of arguments (a zod schema each, one line that says what
// is wrong) and the platform a command acts on.
import * as z from 'zod';
import { fieldIssues } from '../errors.js';
import { type CliTarget, UsageError } from './targets.js';

export function parseOrExplain<S extends z.core.$ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = z.safeParse(schema, value);
  if (!r.success) {
    const issue = fieldIssues(r.error.issues)[0];
    throw new UsageError(`invalid ${what}${issue?.path ? ` (${issue.path})` : ''}: ${issue?.message}`);
  }
  return r.data;
}

/** Commander's accumulator for a repeatable option. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A count given on the command line, e.g. `--limit 100`. */
export const CountArgument = (max: number) => z.coerce.number<string>().int().min(1).max(max);

/** Opens the chosen platform for one command, and closes it however the command ends. */
export type WithTarget = (use: (t: CliTarget) => Promise<void>) => Promise<void>;
