// Files at the desk: the page's script uploads them straight to storage through the API's attachment
// service (prepare, upload, complete); a file posted with the form (no script) is attached the same way here.
import type { Context, Hono } from 'hono';
import { detectAttachmentType } from '../../../shared/domain/attachment-files.js';
import { ValidationError } from '../../../shared/errors.js';
import { attachmentUploadKey, completeAttachment, prepareAttachment } from '../../../shared/services/attachments.js';
import { recordAction } from '../audit.js';
import type { DeskGuards, DeskPlatform } from './routes.js';
import type { DeskEnv } from './session.js';
import type { AttachedFile } from './templates/compose.js';

/**
 * A file that came with the form: prepared and completed as an upload would be. Its bytes are put where
 * the upload form would have put them, and completing checks them by content like any other upload.
 */
export async function attachPostedFile(
  p: DeskPlatform,
  c: Context<DeskEnv>,
  file: File,
  alt: string,
): Promise<AttachedFile | { error: string }> {
  const party = c.get('party');
  const bytes = new Uint8Array(await file.arrayBuffer());
  const contentType = detectAttachmentType(bytes);
  if (!contentType) return { error: `${file.name || 'The file'} is not a PDF, JPEG, PNG or WebP file (by its content).` };
  try {
    const { id } = await prepareAttachment(p, party, { filename: file.name || 'file', contentType, size: bytes.byteLength });
    await p.blobs.put(attachmentUploadKey(party, id), bytes, contentType);
    const view = await completeAttachment(p, party, id);
    await recordAction(p, c, 'attachment.upload', id, view.name);
    return { id, name: view.name, contentType: view.contentType, alt };
  } catch (e) {
    if (e instanceof ValidationError) return { error: e.issues.map((i) => i.message).join(' ') || e.message };
    throw e;
  }
}

export function addUploadRoutes(desk: Hono<DeskEnv>, p: DeskPlatform, guards: DeskGuards): void {
  // The script's first step: the upload form for a file it describes (what POST /v1/attachments answers).
  desk.post('/attachments', guards.post(16 * 1024), async (c) => {
    const form = c.get('form');
    const prepared = await prepareAttachment(p, c.get('party'), {
      filename: form.text('filename'),
      contentType: form.text('contentType'),
      size: Number(form.text('size')),
    });
    return c.json(prepared, 201);
  });

  // Its last step, once storage took the file: checked by content, published, and named in the form.
  desk.post('/attachments/:id/complete', guards.post(4096), async (c) => {
    const view = await completeAttachment(p, c.get('party'), c.req.param('id'));
    await recordAction(p, c, 'attachment.upload', view.id, view.name);
    return c.json(view);
  });
}
