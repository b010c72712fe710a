import { normalizeConfiguration, outputModeOf, PAYMENT_TYPE_KEYS, PAYOUT_ACCOUNT_KEY, UNPAID_SALES_ACCOUNT_KEY } from './configuration-helpers.js';
import type { AccountConfiguration, Configuration, Option } from './configuration.js';
import type { FieldError } from './errors.js';

/**
 * Business rules of a merchant configuration, with merchant-facing messages that say how to
 * fix each problem. Used by the sync service on set-configuration and before every run, and by
 * the widget to show the same messages before saving.
 */

/** Facts the rules need beyond the document itself. */
export interface ConfigurationRuleContext {
  /** Whether the commerce side and the accounting platform are both linked. */
  connections?: { commerceLinked: boolean; accountingLinked: boolean };
  /** The configuration as last saved, to refuse a change of output mode. */
  previous?: Configuration | null;
  /** Accounting platform name for messages ("Xero", "Sandbox ledger"). */
  platformName?: string;
}

/** Stable rule codes (`validatorName` of each {@link FieldError}); clients translate by these. */
export const CONFIGURATION_RULES = [
  'connections_not_linked',
  'output_format_missing',
  'output_format_locked',
  'selection_required',
  'selection_not_an_option',
  'no_sales_account',
  'fees_need_payments',
  'card_equals_payout',
  'prepaid_equals_prepaid_payment',
  'draft_with_payments',
  'invoice_status_missing',
  'sales_customer_missing',
  'fees_supplier_missing',
  'grouping_missing',
  'frequency_missing',
  'start_date_invalid',
  'time_zone_missing',
] as const;

/** A configuration rule code. */
export type ConfigurationRule = (typeof CONFIGURATION_RULES)[number];

/** Whether a `validatorName` is one of the {@link CONFIGURATION_RULES}. */
export function isConfigurationRule(name: unknown): name is ConfigurationRule {
  return typeof name === 'string' && (CONFIGURATION_RULES as readonly string[]).includes(name);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Checks every rule and returns all problems at once (empty array = valid). Field paths in
 * `itemId` are dot paths into the Configuration body, so clients can attach each message to
 * its field.
 *
 * @example
 * const errors = validateConfiguration(config, { previous: saved, platformName: 'Xero' });
 * if (errors.length) return reply(422, { validation: { errors, warnings: [] } });
 */
export function validateConfiguration(
  input: Configuration,
  context: ConfigurationRuleContext = {},
): FieldError[] {
  const config = normalizeConfiguration(input);
  const platform = context.platformName ?? 'your accounting platform';
  const errors: FieldError[] = [];
  const add = (itemId: string, validatorName: ConfigurationRule, message: string) =>
    errors.push({ itemId, validatorName, message });

  if (context.connections && !(context.connections.commerceLinked && context.connections.accountingLinked)) {
    add('connections', 'connections_not_linked',
      `Connect ${context.connections.accountingLinked ? 'your sales platform' : platform} before configuring the sync.`);
  }

  const commerce = config.configuration ?? {};
  const outputFormat = outputModeOf(commerce.mapSettings);
  if (!outputFormat) {
    add('configuration.mapSettings.outputFormat', 'output_format_missing',
      'Choose how sales are posted: a daily journal or a daily invoice.');
  }
  const previousFormat = outputModeOf(context.previous?.configuration?.mapSettings);
  if (context.previous?.configured && previousFormat && outputFormat && previousFormat !== outputFormat) {
    add('configuration.mapSettings.outputFormat', 'output_format_locked',
      `Sales are already posted as ${previousFormat === 'Invoice' ? 'daily invoices' : 'daily journals'}. ` +
        'The posting method cannot be changed after the first sync; keep it, or delete this sync and set it up again.');
  }

  const sales = commerce.sales;
  const payments = commerce.payments;
  const fees = commerce.fees;
  const invoiceMode = outputFormat === 'Invoice';

  // Every account row: required rows need a choice; any choice must still be offered.
  const sections = [
    ['configuration.sales.accounts', sales?.syncSales !== false ? sales?.accounts : null],
    ['configuration.payments.accounts', payments?.syncPayments !== false ? payments?.accounts : null],
    ['configuration.fees.accounts', fees?.syncFees ? fees?.accounts : null],
  ] as const;
  for (const [path, accounts] of sections) {
    for (const [key, row] of Object.entries(accounts ?? {})) {
      checkAccountRow(`${path}.${key}`, key, row, add, platform);
    }
  }

  if (sales?.syncSales !== false) {
    const salesRow = sales?.accounts?.['sales'];
    const salesOptions = salesRow?.accountOptions;
    if (salesOptions && !salesOptions.some((o) => (o.classification ?? '').toLowerCase() === 'income')) {
      add('configuration.sales.accounts.sales', 'no_sales_account',
        `${platform} has no income (sales) account. Create one in ${platform}, then reopen this step.`);
    } else if (!salesRow?.selectedAccountId && !errors.some((e) => e.itemId.startsWith('configuration.sales.accounts.sales'))) {
      add('configuration.sales.accounts.sales.selectedAccountId', 'selection_required',
        'Choose the account your sales are posted to.');
    }
    for (const [rate, row] of Object.entries(sales?.taxRates ?? {})) {
      const itemId = `configuration.sales.taxRates.${rate}.selectedTaxRateId`;
      if (!row.selectedTaxRateId) {
        add(itemId, 'selection_required', `Choose the ${platform} tax rate for sales taxed at ${rate}%.`);
      } else if (row.taxRateOptions && !hasOption(row.taxRateOptions, row.selectedTaxRateId)) {
        add(itemId, 'selection_not_an_option',
          `The tax rate chosen for ${rate}% no longer exists in ${platform}. Choose another one.`);
      }
    }
    (sales?.newTaxRates?.taxRateMappings ?? []).forEach((mapping, i) => {
      const id = mapping.selectedAccountingTaxRateId;
      const options = sales?.newTaxRates?.accountingTaxRateOptions;
      const itemId = `configuration.sales.newTaxRates.taxRateMappings.${i}.selectedAccountingTaxRateId`;
      if (!id) add(itemId, 'selection_required', 'Choose the tax rate these tax components are posted to.');
      else if (options && !hasOption(options, id)) {
        add(itemId, 'selection_not_an_option', `The tax rate chosen for these tax components no longer exists in ${platform}. Choose another one.`);
      }
    });
    // A tax component's own account (`tax:<componentId>`) goes with its tax code: the component
    // must be mapped to a ledger tax rate, or its lines would carry no code for the tax return.
    for (const [key, row] of Object.entries(sales?.accounts ?? {})) {
      if (!key.startsWith('tax:') || !row.selectedAccountId) continue;
      const componentId = key.slice(4);
      const mapped = (sales?.newTaxRates?.taxRateMappings ?? []).some((m) => m.selectedAccountingTaxRateId && m.selectedCommerceTaxRateIds?.includes(componentId));
      if (!mapped) {
        const name = sales?.newTaxRates?.commerceTaxRateOptions?.find((o) => o.id === componentId)?.name ?? componentId;
        add(`configuration.sales.accounts.${key}.selectedAccountId`, 'selection_required',
          `Choose the ${platform} tax rate for ${name} under tax components first: its account is used with that rate's tax code.`);
      }
    }
    const zero = sales?.newTaxRates?.selectedDefaultZeroTaxRateId;
    const zeroOptions = sales?.newTaxRates?.defaultZeroTaxRateOptions;
    if (zero && zeroOptions && !hasOption(zeroOptions, zero)) {
      add('configuration.sales.newTaxRates.selectedDefaultZeroTaxRateId', 'selection_not_an_option',
        `The zero tax rate chosen no longer exists in ${platform}. Choose another one.`);
    }

    const grouping = sales?.grouping?.groupingPeriod?.selectedGroupingPeriod;
    if (!grouping) {
      add('configuration.sales.grouping.groupingPeriod.selectedGroupingPeriod', 'grouping_missing',
        'Choose how sales are grouped (daily).');
    }

    if (invoiceMode) {
      const status = sales?.invoiceStatus?.selectedInvoiceStatus;
      if (!status) {
        add('configuration.sales.invoiceStatus.selectedInvoiceStatus', 'invoice_status_missing',
          'Choose whether daily invoices are created as submitted (approved) or as drafts.');
      } else if (status === 'Draft' && payments?.syncPayments !== false && hasAnyPaymentAccount(payments?.accounts)) {
        add('configuration.sales.invoiceStatus.selectedInvoiceStatus', 'draft_with_payments',
          'Payments cannot be recorded against draft invoices. Create invoices as submitted, or turn off payments.');
      }
      const customer = sales?.salesCustomer;
      if (!customer?.selectedCustomerId) {
        add('configuration.sales.salesCustomer.selectedCustomerId', 'sales_customer_missing',
          'Choose the customer daily sales invoices are raised to.');
      } else if (customer.customerOptions && !hasOption(customer.customerOptions, customer.selectedCustomerId)) {
        add('configuration.sales.salesCustomer.selectedCustomerId', 'selection_not_an_option',
          `The customer chosen for daily invoices is no longer available in ${platform} (deleted or archived). Choose another one.`);
      }
    }
  }

  if (fees?.syncFees) {
    if (payments?.syncPayments === false || !hasAnyPaymentAccount(payments?.accounts)) {
      add('configuration.fees.syncFees', 'fees_need_payments',
        'Fees are taken from payments, so set up payments before turning on fees (or turn fees off).');
    }
    if (invoiceMode) {
      const supplier = fees.feesSupplier;
      if (!supplier?.selectedSupplierId) {
        add('configuration.fees.feesSupplier.selectedSupplierId', 'fees_supplier_missing',
          'Choose the supplier that fee bills are raised from (usually your payment processor).');
      } else if (supplier.supplierOptions && !hasOption(supplier.supplierOptions, supplier.selectedSupplierId)) {
        add('configuration.fees.feesSupplier.selectedSupplierId', 'selection_not_an_option',
          `The fees supplier is no longer available in ${platform} (deleted or archived). Choose another one.`);
      }
    }
  }

  const card = payments?.accounts?.[PAYMENT_TYPE_KEYS.Card]?.selectedAccountId;
  const payout = payments?.accounts?.[PAYOUT_ACCOUNT_KEY]?.selectedAccountId;
  if (card && payout && card === payout) {
    add(`configuration.payments.accounts.${PAYOUT_ACCOUNT_KEY}.selectedAccountId`, 'card_equals_payout',
      'Payouts must land in a different account from card payments: card payments go to a clearing account, payouts to your bank account.');
  }
  const prepaid = sales?.accounts?.['prepaid']?.selectedAccountId;
  const prepaidPayment = payments?.accounts?.[PAYMENT_TYPE_KEYS.Prepaid]?.selectedAccountId;
  if (prepaid && prepaidPayment && prepaid === prepaidPayment) {
    add(`configuration.payments.accounts.${PAYMENT_TYPE_KEYS.Prepaid}.selectedAccountId`, 'prepaid_equals_prepaid_payment',
      'Gift card sales and gift card payments need different accounts: choose a liability account for gift cards sold and another for gift cards redeemed.');
  }

  const schedule = config.schedule;
  if (!schedule?.selectedFrequency) {
    add('schedule.selectedFrequency', 'frequency_missing', 'Choose how often sales are synced (daily).');
  }
  if (!schedule?.startDate || !ISO_DATE.test(schedule.startDate) || Number.isNaN(Date.parse(schedule.startDate.slice(0, 10)))) {
    add('schedule.startDate', 'start_date_invalid', 'Choose the first day to sync, as a date (YYYY-MM-DD).');
  }
  if (!input.schedule?.timeZone) {
    add('schedule.timeZone', 'time_zone_missing', 'Choose the time zone your business days follow.');
  }
  return errors;
}

function hasOption(options: readonly Option[], id: string): boolean {
  return options.some((o) => o.id === id);
}

function hasAnyPaymentAccount(accounts: Record<string, AccountConfiguration> | null | undefined): boolean {
  return Object.entries(accounts ?? {}).some(([key, row]) => key !== PAYOUT_ACCOUNT_KEY && key !== UNPAID_SALES_ACCOUNT_KEY && !!row.selectedAccountId);
}

function checkAccountRow(
  path: string,
  key: string,
  row: AccountConfiguration,
  add: (itemId: string, rule: ConfigurationRule, message: string) => void,
  platform: string,
): void {
  const label = row.labelText ?? key;
  const itemId = `${path}.selectedAccountId`;
  if (!row.selectedAccountId) {
    if (row.required) add(itemId, 'selection_required', `Choose an account for “${label}”.`);
    return;
  }
  if (row.accountOptions && !row.accountOptions.some((o) => o.id === row.selectedAccountId)) {
    add(itemId, 'selection_not_an_option',
      `The account chosen for “${label}” is no longer available in ${platform} (deleted or archived). Choose another account.`);
  }
}
