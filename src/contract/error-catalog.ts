/**
 * The catalog of failures a sync can hit. Each entry has a stable code, the Codat-compatible
 * status code, whether retrying without a change can succeed, the wizard step that fixes it,
 * and a message key (merchant-facing text per locale lives in the message catalogs; the
 * English default is here for servers and logs).
 */

/** Wizard steps a failure can deep-link to, in wizard order. */
export const WIZARD_STEPS = ['output', 'sales', 'taxRates', 'payments', 'fees', 'schedule', 'review', 'connection'] as const;
/** A wizard step a failure can deep-link to. */
export type WizardStep = (typeof WIZARD_STEPS)[number];

export interface CatalogEntry {
  /** Stable error code (never reused). */
  code: SyncErrorCode;
  /** Codat-compatible status code of a sync that fails with it. */
  statusCode: 4000 | 4040 | 4220 | 4260 | 5000 | 5080 | 5120 | 5130;
  retryable: boolean;
  /** The wizard step where the merchant fixes it, or null when nothing to fix there. */
  step: WizardStep | null;
  /** English merchant message; `{placeholders}` are filled from the failure's params. */
  message: string;
}

export type SyncErrorCode =
  | 'payment_type_unmapped'
  | 'account_missing'
  | 'account_archived'
  | 'customer_archived'
  | 'supplier_archived'
  | 'tax_rate_missing'
  | 'tax_rate_unmapped'
  | 'no_sales_account'
  | 'configuration_invalid'
  | 'period_locked'
  | 'authorization_revoked'
  | 'authorization_expired'
  | 'connection_deleted'
  | 'subscription_expired'
  | 'rate_limited'
  | 'duplication_protection'
  | 'platform_outage'
  | 'currency_mismatch'
  | 'document_rejected'
  | 'record_invalid'
  | 'internal_error';

const entries: CatalogEntry[] = [
  { code: 'payment_type_unmapped', statusCode: 4000, retryable: false, step: 'payments', message: 'A new payment type, {paymentType}, appeared in your sales. Choose the account it should be paid into under Payments, then sync again.' },
  { code: 'account_missing', statusCode: 4000, retryable: false, step: 'sales', message: 'The account "{accountName}" mapped to {mapping} no longer exists in {platform}. Choose another account, then sync again.' },
  { code: 'account_archived', statusCode: 4000, retryable: false, step: 'sales', message: 'The account "{accountName}" mapped to {mapping} is archived in {platform}. Restore it in {platform} or choose another account, then sync again.' },
  { code: 'customer_archived', statusCode: 4000, retryable: false, step: 'sales', message: 'The sales customer "{contactName}" is archived in {platform}. Restore it or choose another customer, then sync again.' },
  { code: 'supplier_archived', statusCode: 4000, retryable: false, step: 'fees', message: 'The fees supplier "{contactName}" is archived in {platform}. Restore it or choose another supplier, then sync again.' },
  { code: 'tax_rate_missing', statusCode: 4000, retryable: false, step: 'taxRates', message: 'The tax rate mapped to {taxRate}% no longer exists in {platform}. Choose another tax rate, then sync again.' },
  { code: 'tax_rate_unmapped', statusCode: 4000, retryable: false, step: 'taxRates', message: 'Sales at a {taxRate}% tax rate have no tax rate mapped. Map it under Tax rates, then sync again.' },
  { code: 'no_sales_account', statusCode: 4000, retryable: false, step: 'sales', message: 'Your {platform} chart of accounts has no income (sales) account. Create one in {platform}, then choose it under Sales.' },
  { code: 'configuration_invalid', statusCode: 4000, retryable: false, step: 'review', message: 'Your sync settings need attention: {detail}' },
  { code: 'period_locked', statusCode: 5130, retryable: false, step: 'schedule', message: 'The books in {platform} are locked up to {lockDate}, so sales for {date} cannot be posted. Move the lock date in {platform} or set a later start date, then sync again.' },
  { code: 'authorization_revoked', statusCode: 4220, retryable: false, step: 'connection', message: 'Access to {platform} was revoked. Reconnect {platform} to resume syncing.' },
  { code: 'authorization_expired', statusCode: 4220, retryable: false, step: 'connection', message: 'The connection to {platform} has expired. Reconnect {platform} to resume syncing.' },
  { code: 'connection_deleted', statusCode: 4040, retryable: false, step: 'connection', message: 'The connection to your accounting platform was removed. Connect it again to resume syncing.' },
  { code: 'subscription_expired', statusCode: 4260, retryable: false, step: null, message: 'Your {platform} subscription has expired or does not allow this. Renew it in {platform}; syncing resumes on the next run.' },
  { code: 'rate_limited', statusCode: 5000, retryable: true, step: null, message: '{platform} asked us to slow down. The sync will retry automatically; nothing needs doing.' },
  { code: 'duplication_protection', statusCode: 5080, retryable: false, step: null, message: 'These dates are already synced or syncing, so nothing was posted twice. Choose dates that have not been synced.' },
  { code: 'platform_outage', statusCode: 5000, retryable: true, step: null, message: '{platform} is not responding. The sync will retry automatically; nothing needs doing.' },
  { code: 'currency_mismatch', statusCode: 5120, retryable: false, step: null, message: 'Some sales are in {currency}, which {platform} is not set up to accept. Enable {currency} in {platform}, then sync again.' },
  { code: 'document_rejected', statusCode: 5130, retryable: false, step: 'review', message: '{platform} rejected the {document} for {date}: {detail}' },
  { code: 'record_invalid', statusCode: 5120, retryable: false, step: null, message: 'Some sales data for {date} cannot be posted: {detail}' },
  { code: 'internal_error', statusCode: 5000, retryable: true, step: null, message: 'Something went wrong on our side. The sync will retry; contact support if this continues.' },
];

/** Every catalogued failure, by code. */
export const ERROR_CATALOG: Readonly<Record<SyncErrorCode, CatalogEntry>> = Object.freeze(
  Object.fromEntries(entries.map((e) => [e.code, e])) as Record<SyncErrorCode, CatalogEntry>,
);

/** Fills `{name}` placeholders; unknown placeholders are left visible rather than blanked. */
export function formatCatalogMessage(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
