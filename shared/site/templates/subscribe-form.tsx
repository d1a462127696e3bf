// The subscribe form: a plain HTML form that posts to the API (POST /v1/subscriptions), so it works
// without JavaScript. A listing page offers its own party, country, language or topic, ticked; the
// subscribe page offers every value. An empty choice means everything. Its text is English, marked so
// inside pages in other languages.
import type { Child } from 'hono/jsx';
import { listingKind, listingValue } from '../../domain/listings.js';
import { countryName, type Party } from '../../domain/party.js';
import type { Frequency } from '../../domain/subscriber.js';
import { IndexLabel } from './listing-labels.js';

export const SUBSCRIPTIONS_ENDPOINT = '/v1/subscriptions';

/** The form fields of the choices, as the API names them. */
export type ChoiceField = 'parties' | 'countries' | 'languages' | 'topics';

export interface ChoiceOption {
  value: string;
  label: Child;
}

/** A listing page's own value, offered ticked. */
export type ListingChoice = ChoiceOption & { field: ChoiceField };

/** One group of checkboxes; `more` are shown behind a disclosure (a long tail of topics, say). */
export interface ChoiceGroup {
  field: ChoiceField;
  legend: string;
  options: ChoiceOption[];
  more?: ChoiceOption[];
}

const FREQUENCY_LABELS: Record<Frequency, string> = {
  immediate: 'Each statement as it is published',
  daily: 'A daily digest',
  weekly: 'A weekly digest',
};

const FIELDS: Record<'party' | 'country' | 'language' | 'topic', ChoiceField> = {
  party: 'parties',
  country: 'countries',
  language: 'languages',
  topic: 'topics',
};

/** The label of a listing's own choice: "Only statements of …". */
function OnlyLabel({ listing, parties }: { listing: string; parties: Map<string, Party> }) {
  const value = listingValue(listing);
  switch (listingKind(listing)) {
    case 'party':
      return (
        <>
          Only statements of <bdi>{parties.get(value)?.name ?? value}</bdi>
        </>
      );
    case 'country':
      return <>Only statements on {countryName(value)}</>;
    case 'language':
      return (
        <>
          Only statements in <IndexLabel listing={listing} parties={parties} />
        </>
      );
    default:
      return (
        <>
          Only statements on the topic <bdi>{value}</bdi>
        </>
      );
  }
}

/** A listing page's own choice, ticked; none for the home page, which has everything, and year pages. */
export function listingChoice(listing: string, parties: Map<string, Party>): ListingChoice | undefined {
  const kind = listingKind(listing);
  if (kind === 'home' || kind === 'year') return undefined;
  return { field: FIELDS[kind], value: listingValue(listing), label: <OnlyLabel listing={listing} parties={parties} /> };
}

function Checkbox({ field, option }: { field: ChoiceField; option: ChoiceOption }) {
  return (
    <li>
      <label class="choice">
        <input type="checkbox" name={field} value={option.value} /> {option.label}
      </label>
    </li>
  );
}

function Group({ group }: { group: ChoiceGroup }) {
  const more = group.more ?? [];
  return (
    <fieldset class="choices">
      <legend>{group.legend}</legend>
      <ul>
        {group.options.map((o) => (
          <Checkbox field={group.field} option={o} />
        ))}
      </ul>
      {more.length ? (
        <details>
          <summary>
            {more.length} more {group.legend.toLowerCase()}
          </summary>
          <ul>
            {more.map((o) => (
              <Checkbox field={group.field} option={o} />
            ))}
          </ul>
        </details>
      ) : null}
    </fieldset>
  );
}

export interface SubscribeFormProps {
  /** A listing page's own choice, ticked: unticking it asks for everything. */
  only?: ListingChoice;
  /** The subscribe page's groups of every value. */
  groups?: ChoiceGroup[];
}

/** The form itself; each page has at most one, so its ids are fixed. */
export function SubscribeForm({ only, groups = [] }: SubscribeFormProps) {
  return (
    <form class="subscribe" method="post" action={SUBSCRIPTIONS_ENDPOINT} lang="en" dir="ltr">
      {only ? (
        <p>
          <label class="choice">
            <input type="checkbox" name={only.field} value={only.value} checked /> {only.label}
          </label>
        </p>
      ) : null}
      {groups.map((g) => (
        <Group group={g} />
      ))}
      <fieldset class="frequency">
        <legend>How often</legend>
        {(Object.entries(FREQUENCY_LABELS) as Array<[Frequency, string]>).map(([value, label]) => (
          <label class="choice">
            <input type="radio" name="frequency" value={value} checked={value === 'immediate'} /> {label}
          </label>
        ))}
      </fieldset>
      <p class="email">
        <label for="subscribe-email">Email address</label>
        <input
          type="email"
          id="subscribe-email"
          name="email"
          required
          autocomplete="email"
          spellcheck={false}
          aria-describedby="subscribe-privacy"
        />
        <button type="submit">Subscribe</button>
      </p>
      <p class="meta" id="subscribe-privacy">
        We send a confirmation link first; every email has a link to change or stop your subscription.
      </p>
    </form>
  );
}

/** A listing page's form, in a section a link can point at (#subscribe). */
export function SubscribeSection({ only }: { only?: SubscribeFormProps['only'] }) {
  return (
    <section class="subscribe" id="subscribe" aria-labelledby="subscribe-heading" lang="en" dir="ltr">
      <h2 id="subscribe-heading">Get these statements by email</h2>
      <SubscribeForm only={only} />
      <p class="meta">
        Or <a href="/subscribe/">choose several parties, countries, languages and topics</a>.
      </p>
    </section>
  );
}
