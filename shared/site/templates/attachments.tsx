// A statement's attachments on its page: images shown with their alt text, PDFs offered as downloads.
import { attachmentHref, describeFile, isImage } from '../../domain/attachment-files.js';
import type { Attachment } from '../../domain/statement.js';

export function Attachments({ items }: { items?: Attachment[] }) {
  if (!items?.length) return null;
  const images = items.filter((a) => isImage(a.contentType));
  const documents = items.filter((a) => !isImage(a.contentType));
  return (
    <section class="attachments" aria-label="Attachments">
      {images.map((a) => (
        <figure>
          {/* Sizes are unknown: the stylesheet scales the image to the column, and lazy loading keeps the page fast. */}
          <img src={attachmentHref(a)} alt={a.alt ?? ''} loading="lazy" decoding="async" />
        </figure>
      ))}
      {documents.length ? (
        <ul class="documents">
          {documents.map((a) => (
            <li>
              <a href={attachmentHref(a)} type={a.contentType} dir="auto">
                {a.alt || a.name}
              </a>{' '}
              <span class="file-size" lang="en" dir="ltr">
                ({describeFile(a)})
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
