// The subscribe page (/subscribe/): the subscribe form with every party, and every country, language and
// topic that has statements. It is rendered from the data of the parties index and published with it
// (site-pages.ts); until then the shell's placeholder offers every statement.
import { listingValue } from '../../domain/listings.js';
import { countryName, type Party } from '../../domain/party.js';
import { Layout, renderDocument } from './layout.js';
import { englishLanguageName, IndexLabel } from './listing-labels.js';
import { type ChoiceField, type ChoiceGroup, type ChoiceOption, SubscribeForm } from './subscribe-form.js';

export const SUBSCRIBE_PAGE_KEY = 'subscribe/index.html';

/** A group with more values than this shows those with the most statements; the rest are behind a disclosure. */
export const CHOICES_SHOWN = 24;

export interface SubscribePageData {
  parties: Map<string, Party>;
  /** The country, language and topic listings, with their sizes. */
  listings: Array<{ listing: string; size: number }>;
  siteUrl: string;
}

const byLabel = (a: { text: string }, b: { text: string }) => a.text.localeCompare(b.text, 'en');

/** Every party, by name, with its country. */
function partyGroup(parties: Map<string, Party>): ChoiceGroup {
  const options = [...parties.values()]
    .map((party) => ({ party, text: party.name }))
    .sort(byLabel)
    .map(({ party }) => ({
      value: party.id,
      label: (
        <>
          <bdi>{party.name}</bdi> <span class="meta">({countryName(party.country)})</span>
        </>
      ),
    }));
  return { field: 'parties', legend: 'Parties', options };
}

/** The listings of one kind (`prefix`), by label; past CHOICES_SHOWN, the rest go behind a disclosure. */
function listingGroup(
  data: SubscribePageData,
  prefix: string,
  field: ChoiceField,
  legend: string,
  text: (value: string) => string,
): ChoiceGroup | undefined {
  const listings = data.listings.filter((l) => l.listing.startsWith(prefix)).map((l) => ({ ...l, text: text(listingValue(l.listing)) }));
  if (listings.length === 0) return undefined;
  const shown = new Set([...listings].sort((a, b) => b.size - a.size || byLabel(a, b)).slice(0, CHOICES_SHOWN));
  const option = (l: (typeof listings)[number]): ChoiceOption => ({
    value: listingValue(l.listing),
    label: <IndexLabel listing={l.listing} parties={data.parties} />,
  });
  return {
    field,
    legend,
    options: listings
      .filter((l) => shown.has(l))
      .sort(byLabel)
      .map(option),
    more: listings
      .filter((l) => !shown.has(l))
      .sort(byLabel)
      .map(option),
  };
}

function choiceGroups(data: SubscribePageData): ChoiceGroup[] {
  return [
    partyGroup(data.parties),
    listingGroup(data, 'country:', 'countries', 'Countries', countryName),
    listingGroup(data, 'language:', 'languages', 'Languages', englishLanguageName),
    listingGroup(data, 'topic:', 'topics', 'Topics', (topic) => topic),
  ].filter((g): g is ChoiceGroup => g !== undefined);
}

/** The page with every choice; `data` absent: the shell's placeholder, before anything is published. */
export function renderSubscribePage(data?: SubscribePageData): Promise<string> {
  return renderDocument(
    <Layout title="Subscribe by email" lang="en" dir="ltr" canonical={data ? `${data.siteUrl}/subscribe/` : undefined}>
      <h1>Subscribe by email</h1>
      <p>
        Get statements by email, each as it is published or in a daily or weekly digest.{' '}
        {data
          ? 'Tick what you want in any group: a statement is sent when it matches every group you ticked something in. A group left empty takes everything; leave them all empty to get every statement.'
          : 'Once statements are published, you can choose parties, countries, languages and topics here; for now, you can subscribe to every statement.'}
      </p>
      <SubscribeForm groups={data ? choiceGroups(data) : []} />
    </Layout>,
  );
}
