/**
 * Codat's four-letter integration keys (`reference/codat/platform-keys.md`), which existing
 * Codat integrations send in paths and bodies, and the keys of this service they stand for.
 * Zod-free, so any side can import it.
 */

/** One Codat key: the platform it names and this service's key for it. */
export interface CodatPlatformKey {
  platform: string;
  side: 'accounting' | 'commerce';
  /** This service's key, or the commerce source's key (`commerce` by default) for `lqai`. */
  key: string;
}

/** Codat's key → platform; `key` is the connector key a service registers for it. */
export const CODAT_PLATFORM_KEYS: Readonly<Record<string, CodatPlatformKey>> = {
  gbol: { platform: 'Xero', side: 'accounting', key: 'xero' },
  qhyg: { platform: 'QuickBooks Online', side: 'accounting', key: 'quickbooks-online' },
  fbrh: { platform: 'FreeAgent', side: 'accounting', key: 'freeagent' },
  pdvj: { platform: 'MYOB Business', side: 'accounting', key: 'myob-business' },
  qudb: { platform: 'Exact Online (NL)', side: 'accounting', key: 'exact-online-nl' },
  pbbf: { platform: 'Exact Online (UK)', side: 'accounting', key: 'exact-online-uk' },
  tgff: { platform: 'Sage Accounting', side: 'accounting', key: 'sage-accounting' },
  lqai: { platform: 'Partner Commerce', side: 'commerce', key: 'commerce' },
  fqly: { platform: 'Clover', side: 'commerce', key: 'clover' },
  ldgh: { platform: 'Lightspeed K (Restaurant)', side: 'commerce', key: 'lightspeed-k' },
  fztf: { platform: 'Shopify', side: 'commerce', key: 'shopify' },
  ugxp: { platform: 'Zettle', side: 'commerce', key: 'zettle' },
};

/** Codat's key for the partner's own pushed commerce data. */
export const CODAT_PARTNER_COMMERCE_KEY = 'lqai';
