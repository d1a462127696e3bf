// Lambda entry of the render-pages consumer: renders each event's pages into the site bucket. No CDN
// invalidation: pages are sent with Cache-Control max-age=0, must-revalidate, so the edge revalidates them.
import { renderPages, renderPagesOf } from '../../shared/consumers/render-pages.js';
import { StatementEvent } from '../../shared/domain/events.js';
import { awsBuckets, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const settings = readAwsSettings();
// DynamoDB and S3; no mail.
const platform = { ...awsTable(settings), ...awsBuckets(settings) };

// A batch's statements are rendered together: the listing pages they share are built once.
export const handler = sqsConsumer(StatementEvent, (event) => renderPages(platform, event), {
  batch: (events) => renderPagesOf(platform, events),
});
