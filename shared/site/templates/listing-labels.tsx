// How a listing's value is named in English pages: a party by its name, a country by its English name,
// a language by its English and its own name (in its own script and direction), a topic as it is.
import { languageName, textDirection } from '../../domain/language.js';
import { listingKind, listingValue } from '../../domain/listings.js';
import { countryName, type Party } from '../../domain/party.js';

const englishNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** The English name of a language ("Greek"), beside its own name. */
export function englishLanguageName(tag: string): string {
  try {
    return englishNames.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export function IndexLabel({ listing, parties }: { listing: string; parties: Map<string, Party> }) {
  const value = listingValue(listing);
  switch (listingKind(listing)) {
    case 'party':
      return <>{parties.get(value)?.name ?? value}</>;
    case 'country':
      return <>{countryName(value)}</>;
    case 'language': {
      const own = languageName(value);
      const english = englishLanguageName(value);
      return own === english ? (
        english
      ) : (
        <>
          {english} (
          <span lang={value} dir={textDirection(value)}>
            {own}
          </span>
          )
        </>
      );
    }
    default:
      return <>{value}</>;
  }
}
