// Lambda entry of the render-pages consumer: renders each event's pages into the site bucket. No CDN
// invalidation: pages are sent with Cache-Control max-age=0, must-revalidate, so the edge revalidates them.
import { renderPages } from '../../shared/consumers/render-pages.js';
import { StatementEvent } from '../../shared/domain/events.js';
import { awsDeps } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const platform = awsDeps();

export const handler = sqsConsumer(StatementEvent, (event) => renderPages(platform, event));
