// A party: the unit of authorship. Press keys act for exactly one party.
import { canonicalLanguage } from './language.js';
import * as z from './schema.js';

/** ISO 3166-1 alpha-2, upper case. */
export const CountryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'a country is an ISO 3166-1 alpha-2 code such as GR'));

export const PartyId = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{1,31}$/, 'a party id is 2-32 lower-case letters, digits or hyphens, starting with a letter'));

export const Party = z.object({
  id: PartyId,
  name: z.string().check(z.trim(), z.minLength(2), z.maxLength(200)),
  /** ISO 3166-1 alpha-2 country code, upper case. */
  country: CountryCode,
  /** The language the party usually writes in (BCP 47). */
  language: z.pipe(
    z.string().check(z.refine((t) => canonicalLanguage(t) !== undefined, 'not a BCP 47 language tag')),
    z.transform((t) => canonicalLanguage(t) as string),
  ),
  website: z.optional(z.url({ protocol: /^https?$/ })),
  /** The short name a party goes by (KKE, TKP), as imported archives carry it. */
  short: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))),
});
export type Party = z.infer<typeof Party>;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** The country's name in English, from the platform's ICU data. */
export function countryName(code: string): string {
  return regionNames.of(code) ?? code;
}
