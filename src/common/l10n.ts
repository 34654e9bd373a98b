// Translation for pure code: `t` formats `{0}`-style messages, `tn` picks the plural form, numbers follow the display language; each bundle plugs in VS Code's l10n at start.
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** The English text with its `{0}`, `{1}`… placeholders filled in. */
export function formatMessage(message: string, ...args: Array<string | number | boolean>): string {
  return message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

let translate: Translate = formatMessage;
let language = 'en';

/** Every user-facing sentence goes through here, so the extension speaks the user's language (English, Russian). */
export function t(message: string, ...args: Array<string | number | boolean>): string {
  return translate(message, ...args);
}

export function setTranslator(fn: Translate): void {
  translate = fn;
}

/** The language numbers, prices and plurals follow: VS Code's display language (`vscode.env.language`, the page's `lang`). */
export function setDisplayLanguage(locale: string | undefined): void {
  language = usableLocale(locale) ?? 'en';
}

export function displayLanguage(): string {
  return language;
}

function usableLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  try {
    return Intl.getCanonicalLocales(locale)[0];
  } catch {
    return undefined;
  }
}

const CATEGORY_ORDER: readonly Intl.LDMLPluralRule[] = ['zero', 'one', 'two', 'few', 'many', 'other'];
const integerCategoryCache = new Map<string, readonly Intl.LDMLPluralRule[]>();

/**
 * The plural forms a `|`-separated message lists for whole counts, in CLDR order: English `one|other`, Russian
 * `one|few|many` (Russian's `other` only serves fractions, which no count here is).
 */
export function pluralForms(locale: string = language): readonly Intl.LDMLPluralRule[] {
  const cached = integerCategoryCache.get(locale);
  if (cached) return cached;
  const rules = new Intl.PluralRules(locale);
  const seen = new Set<Intl.LDMLPluralRule>();
  for (let n = 0; n <= 1000; n++) seen.add(rules.select(n));
  seen.add(rules.select(1_000_000));
  const forms = CATEGORY_ORDER.filter((c) => seen.has(c));
  integerCategoryCache.set(locale, forms);
  return forms;
}

/**
 * A count in words with the right plural form: `tn(5, '{0} job|{0} jobs')` is "5 jobs", and with the Russian
 * bundle's «{0} задание|{0} задания|{0} заданий» it is «5 заданий». `{0}` is the count, formatted for the display
 * language; further arguments are `{1}`, `{2}`…
 */
export function tn(count: number, message: string, ...args: Array<string | number | boolean>): string {
  const values = [formatNumber(count), ...args];
  const translated = translate(message, ...values);
  // Untranslated, the English forms need the English rules whatever the display language.
  const locale = translated === formatMessage(message, ...values) ? 'en' : language;
  const forms = translated.split('|');
  const categories = pluralForms(locale);
  const index = categories.indexOf(new Intl.PluralRules(locale).select(count));
  return forms[Math.min(index < 0 ? forms.length - 1 : index, forms.length - 1)];
}

/** 1234.5 as "1,234.5" or «1 234,5»: a number as the display language writes it. */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(language, options).format(value);
}
