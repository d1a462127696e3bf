// The readers' routes in the API's OpenAPI document (subscribing, confirming, preferences, unsubscribing),
// and the service's own (liveness, this documentation).
import * as z from '../../shared/domain/schema.js';
import { FREQUENCIES, SubscriberInput, SubscriptionChoices } from '../../shared/domain/subscriber.js';
import {
  describeFields,
  HEADERS,
  html,
  input,
  json,
  jsonBody,
  type NamedSchema,
  type OperationSpec,
  output,
  type ParameterSpec,
  problems,
  type ResponseSpec,
} from './openapi-kit.js';

describeFields(SubscriberInput, {
  email: 'The address to mail; it gets a confirmation link first (double opt-in).',
  parties: 'Party ids; none: every party. A form may repeat the field or separate values by spaces or commas (so for all four lists).',
  countries: 'ISO 3166-1 alpha-2 codes; none: every country.',
  languages: 'BCP 47 tags; none: every language.',
  topics: 'Topic slugs; none: every topic.',
  frequency: 'Each statement as it comes, or a daily or weekly digest.',
});

const LinkForm = z.object({ token: z.string() });
describeFields(LinkForm, { token: "The signed token of the email's link." });
const PreferencesInput = z.extend(SubscriptionChoices, {
  token: LinkForm.shape.token,
  action: z.optional(z.enum(['save', 'unsubscribe'])),
});
describeFields(PreferencesInput, { action: '`unsubscribe` stops all mail to the address; otherwise the choices are saved.' });

/** The choices as the API answers them (SubscriptionChoices parses input; its output is plain lists). */
const ChoicesView = z.object({
  parties: z.array(z.string()),
  countries: z.array(z.string()),
  languages: z.array(z.string()),
  topics: z.array(z.string()),
  frequency: z.enum(FREQUENCIES),
});

const S = {
  subscriber: input('SubscriberInput', SubscriberInput),
  link: input('LinkForm', LinkForm),
  preferences: input('PreferencesInput', PreferencesInput),
  accepted: output('SubscriptionAccepted', z.object({ status: z.literal('accepted'), detail: z.string() })),
  confirmed: output('ConfirmationResult', z.object({ status: z.enum(['confirmed', 'unsubscribed']) })),
  saved: output('PreferencesResult', z.object({ status: z.enum(['saved', 'unsubscribed']), choices: z.optional(ChoicesView) })),
  health: output('Health', z.object({ status: z.literal('ok') })),
};

const linkToken = (purpose: string): ParameterSpec => ({
  name: 'token',
  in: 'query',
  required: true,
  description: `The signed token of the ${purpose} link (in the email).`,
  schema: { type: 'string' },
});

const FORM_PAGE = html('A form post: the page that says what happened.');
/** JSON for a JSON request, the page for a form post. */
const jsonOrPage = (description: string, schema: NamedSchema): ResponseSpec => ({
  description,
  content: { 'application/json': { schema }, 'text/html': { schema: { type: 'string' } } },
});
const cached = (description: string, type: string): ResponseSpec => ({
  description,
  headers: {
    ETag: { description: 'Send it back as If-None-Match to be answered 304.', schema: { type: 'string' } },
    'Cache-Control': HEADERS.cacheable,
  },
  content: { [type]: { schema: type.endsWith('json') ? { type: 'object' } : { type: 'string' } } },
});
const NOT_MODIFIED: ResponseSpec = { description: 'Not modified since the ETag sent as If-None-Match.' };

export const READER_OPERATIONS: OperationSpec[] = [
  {
    method: 'post',
    path: '/v1/subscriptions',
    operationId: 'subscribe',
    tag: 'Subscriptions',
    security: 'public',
    summary: 'Subscribe to statements by email',
    description:
      'Queues the request and answers alike, in time too, whatever the address: a new address is mailed a confirmation link, ' +
      'a confirmed one a link to its preferences. Takes JSON or a form post (the site’s subscribe forms).',
    requestBody: jsonBody(
      S.subscriber,
      { email: 'reader@example.org', parties: ['kke'], languages: ['el'], frequency: 'weekly' },
      { form: true },
    ),
    responses: {
      202: json('Accepted (JSON): the next step is in the mail.', S.accepted),
      200: FORM_PAGE,
      ...problems([413, 'The body is over 16 KB.'], [415, 'Neither JSON nor a form.'], 422, [
        429,
        'Over the limit per client address, or per email address.',
      ]),
    },
  },
  {
    method: 'get',
    path: '/v1/subscriptions/confirm',
    operationId: 'confirmationPage',
    tag: 'Subscriptions',
    security: 'public',
    summary: 'The confirmation link’s page',
    description: 'A page with a button that confirms (a POST: mail scanners open links, and must not confirm for the reader).',
    parameters: [linkToken('confirmation')],
    responses: {
      200: html('The page with its Confirm button.'),
      404: html('The link is invalid or expired: the page says how to get a new one.'),
      ...problems(429),
    },
  },
  {
    method: 'post',
    path: '/v1/subscriptions/confirm',
    operationId: 'confirmSubscription',
    tag: 'Subscriptions',
    security: 'public',
    summary: 'Confirm a subscription',
    description: 'Confirming twice changes nothing; nor does confirming an address that unsubscribed meanwhile.',
    requestBody: jsonBody(S.link, undefined, { form: true }),
    responses: {
      200: jsonOrPage('Confirmed (JSON), or the page of a form post.', S.confirmed),
      ...problems([404, 'The link is invalid or expired.'], [413, 'The body is over 16 KB.'], [415, 'Neither JSON nor a form.'], 422, 429),
    },
  },
  {
    method: 'get',
    path: '/v1/subscriptions/preferences',
    operationId: 'preferencesPage',
    tag: 'Subscriptions',
    security: 'public',
    summary: 'The preferences page',
    description: 'Every email links to it (signed, valid 60 days): change the choices, switch to a digest, or unsubscribe.',
    parameters: [linkToken('preferences')],
    responses: { 200: html('The preferences form.'), 404: html('The link is invalid or expired.'), ...problems(429) },
  },
  {
    method: 'post',
    path: '/v1/subscriptions/preferences',
    operationId: 'savePreferences',
    tag: 'Subscriptions',
    security: 'public',
    summary: 'Change a subscription, or unsubscribe',
    description: `Frequencies: ${FREQUENCIES.join(', ')}. Switching to a digest starts the digest from then.`,
    requestBody: jsonBody(S.preferences, undefined, { form: true }),
    responses: {
      200: jsonOrPage('Saved (JSON), or the page of a form post.', S.saved),
      ...problems(
        [404, 'The link is invalid or expired, or the address unsubscribed.'],
        [413, 'The body is over 16 KB.'],
        [415, 'Neither JSON nor a form.'],
        422,
        429,
      ),
    },
  },
  {
    method: 'get',
    path: '/v1/unsubscribe',
    operationId: 'unsubscribePage',
    tag: 'Unsubscribe',
    security: 'public',
    summary: 'The unsubscribe page',
    description:
      'The link in an email’s body carries its token after `#` (never sent to a server): the page’s script moves it into the form. ' +
      'The List-Unsubscribe header’s link carries it in the query.',
    parameters: [{ ...linkToken('unsubscribe'), required: false }],
    responses: { 200: html('A page with an Unsubscribe button.'), ...problems(429) },
  },
  {
    method: 'post',
    path: '/v1/unsubscribe',
    operationId: 'unsubscribe',
    tag: 'Unsubscribe',
    security: 'public',
    summary: 'Unsubscribe (one click)',
    description:
      'RFC 8058: mail providers POST `List-Unsubscribe=One-Click` to the List-Unsubscribe URL, token in the query; ' +
      'the page posts its form with the token as a field.',
    parameters: [{ ...linkToken('unsubscribe'), required: false, description: 'The token, as the List-Unsubscribe URL carries it.' }],
    requestBody: {
      required: false,
      content: {
        'application/x-www-form-urlencoded': {
          schema: { type: 'object', properties: { token: { type: 'string' }, 'List-Unsubscribe': { const: 'One-Click' } } },
        },
      },
    },
    responses: { 200: html('Unsubscribed; no more email to this address.'), ...problems([404, 'The token is not valid.'], 429) },
  },
  {
    method: 'get',
    path: '/v1/unsubscribe/fragment.js',
    operationId: 'unsubscribeScript',
    tag: 'Unsubscribe',
    security: 'public',
    summary: 'The unsubscribe page’s script',
    responses: { 200: { description: 'JavaScript.', content: { 'text/javascript': { schema: { type: 'string' } } } } },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tag: 'Service',
    security: 'public',
    summary: 'Liveness',
    responses: { 200: json('The API answers.', S.health, { example: { status: 'ok' } }) },
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    operationId: 'openApiDocument',
    tag: 'Service',
    security: 'public',
    summary: 'This API as OpenAPI 3.1',
    description: 'Generated from the zod schemas the API validates with.',
    responses: { 200: cached('The OpenAPI document.', 'application/json'), 304: NOT_MODIFIED },
  },
  {
    method: 'get',
    path: '/v1/docs',
    operationId: 'apiReference',
    tag: 'Service',
    security: 'public',
    summary: 'The API reference',
    description: 'This document as a page for people.',
    responses: { 200: cached('The reference page.', 'text/html'), 304: NOT_MODIFIED },
  },
  {
    method: 'get',
    path: '/v1/docs/reference.css',
    operationId: 'apiReferenceStylesheet',
    tag: 'Service',
    security: 'public',
    summary: 'The reference page’s stylesheet',
    responses: { 200: cached('CSS.', 'text/css'), 304: NOT_MODIFIED },
  },
];
