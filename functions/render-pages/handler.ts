// Lambda entry of the render-pages consumer: renders each event's pages, then invalidates the CDN
// paths the whole batch rewrote, in one request.
import { renderPages } from '../../shared/consumers/render-pages.js';
import { StatementEvent } from '../../shared/domain/events.js';
import { awsDeps, cdnInvalidator } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const platform = awsDeps();
const cdn = cdnInvalidator();

export const handler = sqsConsumer(StatementEvent, (event) => renderPages(platform, event), {
  afterBatch: (written) => cdn.invalidate(written.flat().map((key) => `/${key}`)),
});
