// What readers may see of a statement through the API.
import type { Correction, Statement } from '../../shared/domain/statement.js';

type Hidden = 'invited' | 'revision' | 'bodyMarkdown' | 'bodyHtml' | 'bodyText';
type Viewable = Partial<Pick<Statement, Hidden | 'retraction' | 'attachments' | 'corrections'>>;

/** A correction as readers see it: when, why, which version (not where its blob is). */
function publicCorrection({ revision: _revision, ...rest }: Correction): Omit<Correction, 'revision'> {
  return rest;
}

/**
 * Not the parties invited to sign (they have not agreed), nor storage details; and of a retracted
 * statement only what its page shows: the title, the notice and the dates, not the withdrawn text.
 */
export function publicView<T extends Viewable>(statement: T): Omit<T, 'invited' | 'revision'> {
  const { invited: _invited, revision: _revision, ...rest } = statement;
  const view = rest.corrections ? { ...rest, corrections: rest.corrections.map(publicCorrection) } : rest;
  if (!statement.retraction) return view;
  const { bodyMarkdown: _m, bodyHtml: _h, bodyText: _t, attachments: _a, ...withdrawn } = view;
  return withdrawn as Omit<T, 'invited' | 'revision'>;
}
