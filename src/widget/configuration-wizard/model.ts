import type { ConfigurationView } from '../../contract/bff.js';
import type { AccountConfiguration, AccountOption, Option } from '../../contract/configuration.js';
import { outputModeOf } from '../../contract/configuration-helpers.js';
import type { ComboboxOption } from '../components/combobox.js';
import type { MessageKey } from '../i18n/index.js';

// The step list lives in its own small module so the widget's first load carries it without the wizard.
export { WIZARD_STEPS, isConfigurationStep } from './steps.js';
export type { ConfigurationStep } from './steps.js';
import type { ConfigurationStep } from './steps.js';

/** One select in the wizard, derived from the configuration document. */
export interface SelectRow {
  /** Form field key under `selections` (the itemId with dots replaced). */
  name: string;
  /** Path of the `selected*` value in the configuration document (= server validation itemId). */
  itemId: string;
  step: ConfigurationStep;
  /** Catalog key for the label, when the row is a known one. */
  labelKey: MessageKey | null;
  labelParams?: Record<string, string>;
  /** Server label (fallback when no catalog key). */
  labelText: string;
  /** Catalog key for the help text, when the row is a known one. */
  descriptionKey?: MessageKey | null;
  descriptionParams?: Record<string, string>;
  /** Server help text (fallback when no catalog key). */
  descriptionText: string | null;
  required: boolean;
  options: ComboboxOption[];
  /** Only required/shown when fees are synced. */
  feesOnly?: boolean;
  /** Only required/shown in invoice mode (the sales customer, the fees supplier). */
  invoiceOnly?: boolean;
  /** For tax components: the commerce tax component id. */
  componentId?: string;
  /** Hidden by the partner's visible-accounts setting: not shown, its saved selection kept. */
  hidden?: boolean;
}

/** Encodes an itemId into a react-hook-form key (dots would be read as nesting, digits as arrays). */
export function fieldKey(itemId: string): string {
  return itemId.replace(/\./g, '/');
}

/** Catalog keys of the known account rows: label and help text. */
interface RowTexts {
  label: MessageKey;
  help: MessageKey;
}

const SALES_LABELS: Record<string, RowTexts> = {
  sales: { label: 'wizard.sales.sales', help: 'wizard.sales.salesHelp' },
  refund: { label: 'wizard.sales.refund', help: 'wizard.sales.refundHelp' },
  shipping: { label: 'wizard.sales.shipping', help: 'wizard.sales.shippingHelp' },
  tax: { label: 'wizard.sales.tax', help: 'wizard.sales.taxHelp' },
  rounding: { label: 'wizard.sales.rounding', help: 'wizard.sales.roundingHelp' },
  gratuity: { label: 'wizard.sales.gratuity', help: 'wizard.sales.gratuityHelp' },
  prepaid: { label: 'wizard.sales.prepaid', help: 'wizard.sales.prepaidHelp' },
};
const PAYMENT_LABELS: Record<string, RowTexts> = {
  card: { label: 'wizard.payments.card', help: 'wizard.payments.cardHelp' },
  cash: { label: 'wizard.payments.cash', help: 'wizard.payments.cashHelp' },
  invoice: { label: 'wizard.payments.invoice', help: 'wizard.payments.invoiceHelp' },
  onlineCard: { label: 'wizard.payments.onlineCard', help: 'wizard.payments.onlineCardHelp' },
  swish: { label: 'wizard.payments.swish', help: 'wizard.payments.swishHelp' },
  vipps: { label: 'wizard.payments.vipps', help: 'wizard.payments.vippsHelp' },
  mobile: { label: 'wizard.payments.mobile', help: 'wizard.payments.mobileHelp' },
  storeCredit: { label: 'wizard.payments.storeCredit', help: 'wizard.payments.storeCreditHelp' },
  paypal: { label: 'wizard.payments.paypal', help: 'wizard.payments.paypalHelp' },
  custom: { label: 'wizard.payments.custom', help: 'wizard.payments.customHelp' },
  prepaidPayment: { label: 'wizard.payments.prepaidPayment', help: 'wizard.payments.prepaidPaymentHelp' },
  unknown: { label: 'wizard.payments.unknown', help: 'wizard.payments.unknownHelp' },
  payout: { label: 'wizard.payments.payout', help: 'wizard.payments.payoutHelp' },
  unpaidSales: { label: 'wizard.payments.unpaidSales', help: 'wizard.payments.unpaidSalesHelp' },
};
const FEE_LABELS: Record<string, RowTexts> = {
  paymentFee: { label: 'wizard.fees.paymentFee', help: 'wizard.fees.paymentFeeHelp' },
  paymentFeeRefund: { label: 'wizard.fees.paymentFeeRefund', help: 'wizard.fees.paymentFeeRefundHelp' },
};

/**
 * The catalog key of a known account row's label (`section` is sales, payments or fees), or
 * null: sync failures name rows by such keys so the merchant reads them as the wizard shows them.
 */
export function rowLabelKey(section: string, key: string): MessageKey | null {
  const labels = section === 'sales' ? SALES_LABELS : section === 'payments' ? PAYMENT_LABELS : section === 'fees' ? FEE_LABELS : null;
  return labels && Object.hasOwn(labels, key) ? (labels[key]?.label ?? null) : null;
}

function accountOptions(options: readonly AccountOption[] | null | undefined): ComboboxOption[] {
  return (options ?? []).map((o) => ({
    value: o.id,
    label: o.name ?? o.id,
    detail: [o.nominalCode, o.type ?? o.classification].filter(Boolean).join(' · ') || null,
  }));
}

function simpleOptions(options: readonly Option[] | null | undefined): ComboboxOption[] {
  return (options ?? []).map((o) => ({ value: o.id, label: o.name ?? o.id }));
}

function humanize(key: string): string {
  const spaced = key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[-_:]/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function accountRows(
  accounts: Record<string, AccountConfiguration> | null | undefined,
  prefix: string,
  step: ConfigurationStep,
  labels: Record<string, RowTexts>,
  feesOnly = false,
  visible: readonly string[] | null = null,
): SelectRow[] {
  return Object.entries(accounts ?? {}).map(([key, account]) => {
    const required = account.required ?? false;
    const itemId = `${prefix}.${key}.selectedAccountId`;
    // Known rows speak the merchant's language; others (product categories, …) keep the server's words.
    const known = Object.hasOwn(labels, key) ? labels[key] : undefined;
    return {
      name: fieldKey(itemId),
      itemId,
      step,
      labelKey: known?.label ?? null,
      labelText: account.labelText ?? humanize(key),
      descriptionKey: known?.help ?? null,
      descriptionText: account.descriptionText ?? null,
      required,
      options: accountOptions(account.accountOptions),
      feesOnly,
      // A required row is always shown: hiding it would leave the merchant unable to save.
      ...(visible && !required && !visible.includes(key) ? { hidden: true } : {}),
    };
  });
}

/**
 * The selects of every step, derived once per configuration document; `visibleAccounts` (the
 * partner's setting, account keys such as `refund` or `card`) hides the optional account rows not listed.
 */
export function buildRows(config: ConfigurationView, visibleAccounts: readonly string[] | null = null): SelectRow[] {
  const c = config.configuration;
  const rows: SelectRow[] = [];
  rows.push(...accountRows(c?.sales?.accounts, 'configuration.sales.accounts', 'sales', SALES_LABELS, false, visibleAccounts));
  const customer = c?.sales?.salesCustomer;
  if (customer?.customerOptions?.length) {
    const itemId = 'configuration.sales.salesCustomer.selectedCustomerId';
    rows.push({ name: fieldKey(itemId), itemId, step: 'sales', labelKey: 'wizard.sales.customer', labelText: 'Sales customer', descriptionText: null, required: true, invoiceOnly: true, options: simpleOptions(customer.customerOptions) });
  }
  for (const [rate, mapping] of Object.entries(c?.sales?.taxRates ?? {})) {
    const itemId = `configuration.sales.taxRates.${rate}.selectedTaxRateId`;
    rows.push({ name: fieldKey(itemId), itemId, step: 'taxRates', labelKey: 'wizard.taxRates.rate', labelParams: { rate: `${rate}%` }, labelText: `${rate}%`, descriptionText: null, required: true, options: simpleOptions(mapping.taxRateOptions) });
  }
  const newTaxRates = c?.sales?.newTaxRates;
  const ledgerRates = simpleOptions(newTaxRates?.accountingTaxRateOptions);
  for (const component of newTaxRates?.commerceTaxRateOptions ?? []) {
    const itemId = `configuration.sales.newTaxRates.component.${component.id}`;
    rows.push({ name: fieldKey(itemId), itemId, step: 'taxRates', labelKey: 'wizard.taxRates.component', labelParams: { name: component.name ?? component.id }, labelText: component.name ?? component.id, descriptionText: null, required: true, options: ledgerRates, componentId: component.id });
  }
  rows.push(...accountRows(c?.payments?.accounts, 'configuration.payments.accounts', 'payments', PAYMENT_LABELS, false, visibleAccounts));
  const supplier = c?.fees?.feesSupplier;
  if (supplier) {
    const itemId = 'configuration.fees.feesSupplier.selectedSupplierId';
    rows.push({ name: fieldKey(itemId), itemId, step: 'fees', labelKey: 'wizard.fees.supplier', labelText: 'Fee supplier', descriptionText: null, required: true, options: simpleOptions(supplier.supplierOptions), feesOnly: true, invoiceOnly: true });
  }
  rows.push(...accountRows(c?.fees?.accounts, 'configuration.fees.accounts', 'fees', FEE_LABELS, true, visibleAccounts));
  return rows;
}

/** How daily invoices are created (invoice mode only). */
export const INVOICE_STATUSES = ['Submitted', 'Draft'] as const;

/** The wizard's form values. */
export interface WizardValues {
  outputFormat: '' | 'JournalEntry' | 'Invoice';
  /** Invoice mode only; defaults to `Submitted`, the status payments can be recorded against. */
  invoiceStatus: '' | (typeof INVOICE_STATUSES)[number];
  selections: Record<string, string>;
  syncFees: boolean;
  startDate: string;
  timeZone: string;
  syncHour: string;
}

function selectedFor(config: ConfigurationView, row: SelectRow): string {
  if (row.componentId) {
    const mappings = config.configuration?.sales?.newTaxRates?.taxRateMappings ?? [];
    const mapping = mappings.find((m) => m.selectedCommerceTaxRateIds?.includes(row.componentId!));
    return mapping?.selectedAccountingTaxRateId ?? '';
  }
  let node: unknown = config;
  for (const segment of row.itemId.split('.')) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return typeof node === 'string' ? node : '';
}

/** Today's date in a time zone, `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Form values from a configuration document; the time zone defaults to the browser's. */
export function toFormValues(config: ConfigurationView, rows: readonly SelectRow[], defaultTimeZone: string): WizardValues {
  const schedule = config.schedule;
  const timeZone = schedule?.timeZone ?? defaultTimeZone;
  const savedStatus = config.configuration?.sales?.invoiceStatus?.selectedInvoiceStatus;
  return {
    outputFormat: outputModeOf(config.configuration?.mapSettings) ?? '',
    invoiceStatus: savedStatus === 'Draft' || savedStatus === 'Submitted' ? savedStatus : 'Submitted',
    selections: Object.fromEntries(rows.map((row) => [row.name, selectedFor(config, row)])),
    syncFees: config.configuration?.fees?.syncFees ?? false,
    startDate: (schedule?.startDate ?? todayIn(timeZone)).slice(0, 10),
    timeZone,
    syncHour: String(schedule?.syncHour ?? schedule?.syncHourUtc ?? 0),
  };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (!next || typeof next !== 'object') node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * The save body: only the `selected*` values and flags (options are refilled by the server, and
 * sending 5,000 accounts back would exceed the BFF's body limit). Tax components chosen for the
 * same ledger rate become one mapping.
 */
export function toConfiguration(values: WizardValues, rows: readonly SelectRow[], original: ConfigurationView): { body: ConfigurationView; mappingComponents: string[][] } {
  const c = original.configuration;
  const body: Record<string, unknown> = {
    enabled: original.configured ? (original.enabled ?? original.enable ?? true) : true,
    schedule: {
      selectedFrequency: original.schedule?.selectedFrequency ?? 'Daily',
      startDate: values.startDate,
      syncHour: Number(values.syncHour),
      timeZone: values.timeZone,
    },
    configuration: {
      ...(c?.countryCode ? { countryCode: c.countryCode } : {}),
      mapSettings: values.outputFormat ? { outputFormat: 'JournalEntry', outputMode: values.outputFormat } : {},
      sales: {
        syncSales: c?.sales?.syncSales ?? true,
        // Invoice mode sends the merchant's choice; journal mode keeps whatever was saved.
        ...(values.outputFormat === 'Invoice'
          ? { invoiceStatus: { selectedInvoiceStatus: values.invoiceStatus || null } }
          : c?.sales?.invoiceStatus
            ? { invoiceStatus: { selectedInvoiceStatus: c.sales.invoiceStatus.selectedInvoiceStatus ?? null } }
            : {}),
      },
      payments: { syncPayments: c?.payments?.syncPayments ?? true },
      fees: { syncFees: values.syncFees },
    },
  };
  const byRate = new Map<string, string[]>();
  for (const row of rows) {
    const value = values.selections[row.name] || null;
    if (row.componentId) {
      if (value) byRate.set(value, [...(byRate.get(value) ?? []), row.componentId]);
      continue;
    }
    setPath(body, row.itemId.split('.'), value);
  }
  const mappingComponents = [...byRate.values()];
  if (c?.sales?.newTaxRates) {
    setPath(body, ['configuration', 'sales', 'newTaxRates'], {
      taxRateMappings: [...byRate.entries()].map(([rateId, components]) => ({ selectedCommerceTaxRateIds: components, selectedAccountingTaxRateId: rateId })),
      selectedDefaultZeroTaxRateId: c.sales.newTaxRates.selectedDefaultZeroTaxRateId ?? null,
    });
  }
  return { body: body as ConfigurationView, mappingComponents };
}

/** Where a server validation error belongs in the form. */
export type ErrorTarget = { field: string; step: ConfigurationStep } | null;

const SCALAR_TARGETS: Record<string, { field: string; step: ConfigurationStep }> = {
  'configuration.mapSettings.outputFormat': { field: 'outputFormat', step: 'output' },
  'configuration.sales.invoiceStatus': { field: 'invoiceStatus', step: 'output' },
  'configuration.sales.invoiceStatus.selectedInvoiceStatus': { field: 'invoiceStatus', step: 'output' },
  'configuration.fees.syncFees': { field: 'syncFees', step: 'fees' },
  'schedule.startDate': { field: 'startDate', step: 'schedule' },
  'schedule.timeZone': { field: 'timeZone', step: 'schedule' },
  'schedule.syncHour': { field: 'syncHour', step: 'schedule' },
};

/**
 * Maps a server itemId (field path in the save body) onto a form field. A path inside a row
 * (e.g. `….accounts.card`) lands on that row; a tax mapping lands on its first component.
 */
export function errorTarget(itemId: string, rows: readonly SelectRow[], mappingComponents: readonly string[][]): ErrorTarget {
  const scalar = SCALAR_TARGETS[itemId];
  if (scalar) return scalar;
  // `….accounts.card` names the row whose value is `….accounts.card.selectedAccountId`.
  const row = rows.find((r) => r.itemId === itemId) ?? rows.find((r) => !r.componentId && r.itemId.startsWith(`${itemId}.`) && !r.itemId.slice(itemId.length + 1).includes('.'));
  if (row) return { field: `selections.${row.name}`, step: row.step };
  const mapping = /^configuration\.sales\.newTaxRates\.taxRateMappings\.(\d+)/.exec(itemId);
  if (mapping) {
    const component = mappingComponents[Number(mapping[1])]?.[0];
    const componentRow = rows.find((r) => r.componentId === component);
    if (componentRow) return { field: `selections.${componentRow.name}`, step: 'taxRates' };
  }
  return null;
}

/** Sections of the save body and the step that edits them; the longest matching prefix wins. */
const STEP_OF_PATH: readonly (readonly [string, ConfigurationStep])[] = [
  ['configuration.mapSettings', 'output'],
  ['configuration.sales.invoiceStatus', 'output'],
  ['configuration.sales.taxRates', 'taxRates'],
  ['configuration.sales.newTaxRates', 'taxRates'],
  ['configuration.sales', 'sales'],
  ['configuration.payments', 'payments'],
  ['configuration.fees', 'fees'],
  ['schedule', 'schedule'],
];

/**
 * The step where a server validation error is fixed: its field's step, else the step that edits
 * the section its itemId names (`configuration.fees` → fees). Null only for problems outside the
 * wizard (e.g. `connections`).
 */
export function errorStep(itemId: string, rows: readonly SelectRow[], mappingComponents: readonly string[][]): ConfigurationStep | null {
  const target = errorTarget(itemId, rows, mappingComponents);
  if (target) return target.step;
  const section = STEP_OF_PATH.find(([path]) => itemId === path || itemId.startsWith(`${path}.`));
  return section ? section[1] : null;
}

/** Whether a row applies to these values (fee rows need fees on, invoice rows invoice mode; hidden rows never). */
export function rowApplies(row: SelectRow, values: Pick<WizardValues, 'outputFormat' | 'syncFees'>): boolean {
  return !row.hidden && (!row.feesOnly || values.syncFees) && (!row.invoiceOnly || values.outputFormat === 'Invoice');
}

/** The day after a `YYYY-MM-DD` day. */
export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
