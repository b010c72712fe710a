/**
 * The demo's merchants: independent shops on the fictional "Harbour POS" platform, one per
 * profile of the seeded generator (test/fixtures), so the demo shows UK VAT days (20/5/0 %, GBP
 * with some EUR) and Canadian GST+PST days (CAD with some USD).
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
  /** Sandbox ledger template that matches the merchant's tax regime (pick it on the consent page). */
  ledgerTemplate: 'uk' | 'us' | 'ca';
  /** Profile of the seeded sales generator. */
  generatorProfile: 'uk' | 'ca';
  /** One line about the tax regime, shown on the sign-in card. */
  taxNote: string;
}

/** The merchants of the demo, in sign-in order. */
export const DEMO_MERCHANTS: readonly DemoMerchant[] = [
  {
    id: 'brick-lane-coffee-london',
    name: 'Brick Lane Coffee',
    city: 'London',
    country: 'GB',
    currency: 'GBP',
    timeZone: 'Europe/London',
    locale: 'en-GB',
    ledgerTemplate: 'uk',
    generatorProfile: 'uk',
    taxNote: 'VAT 20% · 5% · 0%',
  },
  {
    id: 'granville-roasters-vancouver',
    name: 'Granville Roasters',
    city: 'Vancouver',
    country: 'CA',
    currency: 'CAD',
    timeZone: 'America/Vancouver',
    locale: 'en-CA',
    ledgerTemplate: 'ca',
    generatorProfile: 'ca',
    taxNote: 'GST 5% + PST 7%',
  },
];

/** The merchant with this id, or `undefined`. */
export function findMerchant(id: string | null | undefined): DemoMerchant | undefined {
  return DEMO_MERCHANTS.find((m) => m.id === id);
}
