import type { MessageKey, Messages } from './en-us.js';
import { enUS } from './en-us.js';
import { fromMinor } from '../../contract/money.js';

export type { MessageKey, Messages };
export { enUS };

/** The locales the widget ships catalogs for. */
export type SupportedLocale = 'en-US' | 'en-GB' | 'fr-FR';

/**
 * Built-in catalogs other than en-US load on demand, so the widget's first load carries only
 * the fallback catalog; each is fetched once and then kept.
 */
const CATALOG_LOADERS: Readonly<Record<SupportedLocale, () => Promise<Messages>>> = {
  'en-US': () => Promise.resolve(enUS),
  'en-GB': () => import('./en-gb.js').then((m) => m.enGB),
  'fr-FR': () => import('./fr-fr.js').then((m) => m.frFR),
};

const loadedCatalogs: Partial<Record<SupportedLocale, Messages>> = { 'en-US': enUS };
const pendingCatalogs: Partial<Record<SupportedLocale, Promise<Messages>>> = {};

/** `common.loading` of each catalog, shown while the active catalog itself is loading. */
export const LOADING_LABELS: Readonly<Record<SupportedLocale, string>> = { 'en-US': 'Loading…', 'en-GB': 'Loading…', 'fr-FR': 'Chargement…' };

/** Partner overrides: any subset of keys. */
export type MessageOverrides = Partial<Messages>;

/** The built-in catalog of the locale closest to `locale` if it is already loaded, else `undefined`. */
export function loadedCatalog(locale: string): Messages | undefined {
  return loadedCatalogs[closestLocale(locale)];
}

/**
 * Loads the built-in catalog closest to a BCP 47 tag (`fr-CA` → fr-FR, `en-AU` → en-GB). The
 * provider calls it for its `locale`; call it yourself to have a catalog ready before rendering.
 *
 * @example
 * const frFR = await loadCatalog('fr-FR');
 */
export function loadCatalog(locale: string): Promise<Messages> {
  const key = closestLocale(locale);
  const loaded = loadedCatalogs[key];
  if (loaded) return Promise.resolve(loaded);
  pendingCatalogs[key] ??= CATALOG_LOADERS[key]().then(
    (messages) => (loadedCatalogs[key] = messages),
    (error: unknown) => {
      delete pendingCatalogs[key];
      throw error;
    },
  );
  return pendingCatalogs[key];
}

/**
 * The built-in catalog closest to a BCP 47 tag with `overrides` applied. Until that catalog is
 * loaded ({@link loadCatalog}) the en-US catalog stands in.
 */
export function resolveMessages(locale: string, overrides?: MessageOverrides): Messages {
  const base = loadedCatalog(locale) ?? enUS;
  return overrides ? { ...base, ...overrides } : base;
}

/** The supported locale closest to a BCP 47 tag. */
export function closestLocale(locale: string): SupportedLocale {
  if (locale in CATALOG_LOADERS) return locale as SupportedLocale;
  const language = locale.split('-')[0]?.toLowerCase();
  if (language === 'fr') return 'fr-FR';
  if (language === 'en') return locale === 'en' ? 'en-US' : 'en-GB';
  return 'en-US';
}

/** Fills `{name}` placeholders; a missing param stays visible so a wrong override is noticed. */
export function formatMessage(template: string, params?: Readonly<Record<string, string | number>>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Intl formatters for one locale, created once per provider. */
export interface Formatters {
  money(minorUnits: number, currency: string): string;
  date(isoDate: string): string;
  dateTime(iso: string, timeZone?: string): string;
  hour(hour: number): string;
  timeZone(timeZone: string): string;
}

/** Builds the {@link Formatters} for a locale; money takes integer minor units. */
export function createFormatters(locale: string): Formatters {
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const hourFormat = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
  return {
    money(minorUnits, currency) {
      // fromMinor gives an exact decimal string; Intl formats numeric strings without float rounding.
      const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
      return format.format(fromMinor(minorUnits, currency) as unknown as number);
    },
    date(isoDate) {
      const day = isoDate.slice(0, 10);
      return dateFormat.format(new Date(`${day}T00:00:00Z`));
    },
    dateTime(iso, timeZone) {
      return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: timeZone ? 'short' : undefined }).format(new Date(iso));
    },
    hour(hour) {
      return hourFormat.format(new Date(Date.UTC(2000, 0, 1, hour)));
    },
    timeZone(timeZone) {
      try {
        const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'longGeneric' }).formatToParts(new Date());
        const name = parts.find((p) => p.type === 'timeZoneName')?.value;
        return name ? `${timeZone.replace(/_/g, ' ')} (${name})` : timeZone;
      } catch {
        return timeZone;
      }
    },
  };
}
