// A party: the unit of authorship. Press keys act for exactly one party.
import { z } from 'zod';
import { canonicalLanguage } from './language.js';

export const PartyId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,31}$/, 'a party id is 2-32 lower-case letters, digits or hyphens, starting with a letter');

export const Party = z.object({
  id: PartyId,
  name: z.string().trim().min(2).max(200),
  /** ISO 3166-1 alpha-2 country code, upper case. */
  country: z.string().regex(/^[A-Z]{2}$/, 'a country is an ISO 3166-1 alpha-2 code such as GR'),
  /** The language the party usually writes in (BCP 47). */
  language: z
    .string()
    .refine((t) => canonicalLanguage(t) !== undefined, 'not a BCP 47 language tag')
    .transform((t) => canonicalLanguage(t) as string),
  website: z.url({ protocol: /^https?$/ }).optional(),
});
export type Party = z.infer<typeof Party>;

/** The country's name in English, from the platform's ICU data. */
export function countryName(code: string): string {
  return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
}
