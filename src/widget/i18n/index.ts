import type { MessageKey, Messages } from './en-us.js';
import { enUS } from './en-us.js';
import { enGB } from './en-gb.js';
import { frFR } from './fr-fr.js';
import { fromMinor } from '../../contract/money.js';

export type { MessageKey, Messages };
export { enUS, enGB, frFR };

/** The locales the widget ships catalogs for. */
export type SupportedLocale = 'en-US' | 'en-GB' | 'fr-FR';

/** Built-in catalogs by locale. */
export const CATALOGS: Readonly<Record<SupportedLocale, Messages>> = { 'en-US': enUS, 'en-GB': enGB, 'fr-FR': frFR };

/** Partner overrides: any subset of keys. */
export type MessageOverrides = Partial<Messages>;

/** Picks the built-in catalog closest to a BCP 47 tag (`fr-CA` → fr-FR, `en-AU` → en-GB) and applies overrides. */
export function resolveMessages(locale: string, overrides?: MessageOverrides): Messages {
  const base = CATALOGS[closestLocale(locale)];
  return overrides ? { ...base, ...overrides } : base;
}

/** The supported locale closest to a BCP 47 tag. */
export function closestLocale(locale: string): SupportedLocale {
  if (locale in CATALOGS) return locale as SupportedLocale;
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
