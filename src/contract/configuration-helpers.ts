import type { Configuration } from './configuration.js';

/**
 * Configuration helpers with no runtime dependency on zod, so browser code (the widget) can use
 * them without shipping the schema library.
 */

/** Whether `tz` is an IANA time zone known to the runtime's time-zone database. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Reads the pause flag and the sync hour whatever names the client used, and emits `enabled`/`syncHour`. */
export function normalizeConfiguration(config: Configuration): Configuration {
  const { enable, ...rest } = config;
  const enabled = config.enabled ?? enable ?? false;
  const schedule = config.schedule
    ? (() => {
        const { syncHourUtc, ...s } = config.schedule;
        return { ...s, syncHour: s.syncHour ?? syncHourUtc ?? 0, timeZone: s.timeZone ?? 'Etc/UTC' };
      })()
    : config.schedule;
  return { ...rest, enabled, schedule };
}

/**
 * The posting mode of `configuration.mapSettings`: the `outputMode` extension, else Codat's
 * `outputFormat` (which older clients and stored configurations set to `Invoice`).
 */
export function outputModeOf(
  mapSettings: { outputFormat?: 'JournalEntry' | 'Invoice' | null; outputMode?: 'JournalEntry' | 'Invoice' | null } | null | undefined,
): 'JournalEntry' | 'Invoice' | undefined {
  return mapSettings?.outputMode ?? mapSettings?.outputFormat ?? undefined;
}

/** The payment-type keys of `configuration.payments.accounts`, from a commerce payment type. */
export const PAYMENT_TYPE_KEYS = {
  Cash: 'cash',
  Card: 'card',
  Invoice: 'invoice',
  OnlineCard: 'onlineCard',
  Swish: 'swish',
  Vipps: 'vipps',
  Mobile: 'mobile',
  StoreCredit: 'storeCredit',
  Paypal: 'paypal',
  Custom: 'custom',
  Prepaid: 'prepaidPayment',
  Unknown: 'unknown',
} as const;

/**
 * Sales account key of a commerce tax component's own liability account (`tax:<componentId>`,
 * e.g. `tax:tc-pst-bc` for British Columbia PST). Unselected, the component's tax goes to the
 * account of the ledger tax rate it is mapped to (when the ledger reports it), else to `tax`.
 */
export function taxComponentAccountKey(componentId: string): string {
  return `tax:${componentId}`;
}

/**
 * Payments account key of the unpaid-sales clearing account (extension): where journal mode
 * keeps sales not settled by the day's money, and invoice mode's clearing journal moves money
 * for sales or refunds of other days. A current-asset account that is not accounts receivable:
 * Xero refuses manual journals on its receivables system account (QuickBooks wants a customer on
 * such lines). Unmapped, the `invoice` payment account is used, as before.
 */
export const UNPAID_SALES_ACCOUNT_KEY = 'unpaidSales';

/** Account key for where payouts land (the merchant's bank account). */
export const PAYOUT_ACCOUNT_KEY = 'payout';
/** Tax-rate key ("20", "17.5", "0") for a percentage; trailing zeros are dropped. */
export function taxRateKey(percentage: number | string): string {
  const n = Number(percentage);
  return String(Math.round(n * 1e6) / 1e6);
}
