// Languages as BCP 47 tags: validation, canonical form and writing direction.

const RTL_LANGUAGES = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'sd', 'ug', 'yi', 'dv', 'ckb', 'ku-arab', 'syr']);
const RTL_SCRIPTS = new Set(['Arab', 'Hebr', 'Thaa', 'Syrc', 'Nkoo', 'Adlm', 'Rohg']);

/** The canonical form of a BCP 47 tag ("pt-br" -> "pt-BR"), or undefined when it is not one. */
export function canonicalLanguage(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical;
  } catch {
    return undefined;
  }
}

export function textDirection(tag: string): 'rtl' | 'ltr' {
  const locale = new Intl.Locale(tag);
  if (locale.script) return RTL_SCRIPTS.has(locale.script) ? 'rtl' : 'ltr';
  return RTL_LANGUAGES.has(locale.language) ? 'rtl' : 'ltr';
}

const ownNames = new Map<string, string>();

/** The language's own name for itself ("Ελληνικά"), for labels readers can recognise. */
export function languageName(tag: string): string {
  let name = ownNames.get(tag);
  if (name === undefined) {
    try {
      name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
    } catch {
      name = tag;
    }
    // Tags are few (a few hundred at most): a name is looked up once.
    ownNames.set(tag, name);
  }
  return name;
}
