/**
 * The demo's merchants: three independent shops on the fictional "Harbour POS" platform, one per
 * sandbox ledger template, so the demo shows UK VAT, US sales tax and Canadian GST+PST days.
 */

/** One merchant a visitor can sign in as. */
export interface DemoMerchant {
  /** The partner's own merchant id; the BFF tags the sync-service company with it. */
  id: string;
  name: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  currency: string;
  timeZone: string;
  /** BCP 47 locale for the dashboard's money and dates. */
  locale: string;
  /** Sandbox ledger template that matches the merchant's tax regime. */
  ledgerTemplate: 'uk' | 'us' | 'ca';
  /** One line about the tax regime, shown on the sign-in card. */
  taxNote: string;
}

/** The merchants of the demo, in sign-in order. */
export const DEMO_MERCHANTS: readonly DemoMerchant[] = [
  {
    id: 'harbour-cafe-london',
    name: 'Harbour Coffee · Shoreditch',
    city: 'London',
    country: 'GB',
    currency: 'GBP',
    timeZone: 'Europe/London',
    locale: 'en-GB',
    ledgerTemplate: 'uk',
    taxNote: 'VAT 20% · 5% · 0%',
  },
  {
    id: 'hudson-provisions-nyc',
    name: 'Hudson Provisions',
    city: 'New York',
    country: 'US',
    currency: 'USD',
    timeZone: 'America/New_York',
    locale: 'en-US',
    ledgerTemplate: 'us',
    taxNote: 'NY sales tax 8.875%',
  },
  {
    id: 'granville-goods-vancouver',
    name: 'Granville Goods',
    city: 'Vancouver',
    country: 'CA',
    currency: 'CAD',
    timeZone: 'America/Vancouver',
    locale: 'en-CA',
    ledgerTemplate: 'ca',
    taxNote: 'GST 5% + PST 7%',
  },
];

/** The merchant with this id, or `undefined`. */
export function findMerchant(id: string | null | undefined): DemoMerchant | undefined {
  return DEMO_MERCHANTS.find((m) => m.id === id);
}
