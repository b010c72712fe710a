import {
  normalizeConfiguration,
  outputModeOf,
  PAYMENT_TYPE_KEYS,
  PAYOUT_ACCOUNT_KEY,
  UNPAID_SALES_ACCOUNT_KEY,
  taxComponentAccountKey,
  type AccountConfiguration,
  type AccountOption,
  type CommerceConfiguration,
  type Configuration,
  type Option,
} from '../contract/configuration.js';

type SalesSelections = Partial<NonNullable<CommerceConfiguration['sales']>>;
type PaymentSelections = Partial<NonNullable<CommerceConfiguration['payments']>>;
type FeeSelections = Partial<NonNullable<CommerceConfiguration['fees']>>;
import type { LedgerAccount, LedgerAccountClass, LedgerContact, LedgerTaxRate } from '../platforms/connector.js';

/** The live ledger facts options are filled from. */
export interface LedgerSnapshot {
  companyName: string;
  accounts: LedgerAccount[];
  taxRates: LedgerTaxRate[];
  customers: LedgerContact[];
  suppliers: LedgerContact[];
}

/** Facts from the pushed commerce data that decide which rows exist and which are required. */
export interface CommerceFacts {
  /** Tax percentages seen in orders, as keys ("20", "5.5"). */
  taxRateKeys: string[];
  /** Commerce tax components pushed (id, name). */
  taxComponents: Option[];
  /** Payment-type keys seen in payments (`card`, `cash`, …). */
  paymentTypeKeys: string[];
  /** Whether fees or payouts appear in transactions. */
  hasFees: boolean;
  hasPayouts: boolean;
}

interface RowSpec {
  label: string;
  description: string;
  classes: LedgerAccountClass[];
  required: (facts: CommerceFacts) => boolean;
}

const SALES_ROWS: Record<string, RowSpec> = {
  sales: { label: 'Sales', description: 'Income account sales are posted to.', classes: ['Income'], required: () => true },
  refund: { label: 'Refunds', description: 'Account refunds are posted to; empty = the sales account.', classes: ['Income'], required: () => false },
  shipping: { label: 'Shipping', description: 'Account shipping charges are posted to; empty = the sales account.', classes: ['Income'], required: () => false },
  tax: { label: 'Tax', description: 'Liability account tax collected is posted to (journal mode).', classes: ['Liability'], required: () => false },
  rounding: { label: 'Rounding', description: 'Account cent differences from tax rounding are posted to.', classes: ['Expense', 'Income'], required: () => false },
  gratuity: { label: 'Gratuities', description: 'Tips: income, or a liability when passed on to staff.', classes: ['Income', 'Liability'], required: () => false },
  prepaid: { label: 'Gift cards sold', description: 'Liability account for gift cards and prepaid balances sold.', classes: ['Liability'], required: () => false },
};

const PAYMENT_LABELS: Record<string, string> = {
  card: 'Card payments', cash: 'Cash payments', invoice: 'Invoice payments', onlineCard: 'Online card payments',
  swish: 'Swish payments', vipps: 'Vipps payments', mobile: 'Mobile payments', storeCredit: 'Store credit',
  paypal: 'PayPal payments', custom: 'Other payments', prepaidPayment: 'Gift card redemptions', unknown: 'Unclassified payments',
};
// How each payment type reads inside a sentence: proper names keep their capitals.
const PAYMENT_NOUNS: Record<string, string> = {
  card: 'card payments', cash: 'cash payments', invoice: 'invoice payments', onlineCard: 'online card payments',
  swish: 'Swish payments', vipps: 'Vipps payments', mobile: 'mobile payments', storeCredit: 'store credit payments',
  paypal: 'PayPal payments', custom: 'other payments', prepaidPayment: 'gift card redemptions', unknown: 'unclassified payments',
};

const FEE_ROWS: Record<string, RowSpec> = {
  paymentFee: { label: 'Payment fees', description: 'Expense account processing fees are posted to.', classes: ['Expense'], required: (f) => f.hasFees },
  paymentFeeRefund: { label: 'Fee refunds', description: 'Account refunded fees are posted to.', classes: ['Expense', 'Income'], required: (f) => f.hasFees },
};

function accountOption(a: LedgerAccount): AccountOption {
  return {
    id: a.id,
    name: a.name,
    nominalCode: a.code ?? null,
    classification: a.classification,
    type: a.type,
    enablePaymentsToAccount: a.enablePaymentsToAccount,
  };
}

function contactOption(c: LedgerContact): Option {
  return { id: c.id, name: c.name };
}

function row(spec: RowSpec, selected: AccountConfiguration | undefined, ledger: LedgerSnapshot | null, facts: CommerceFacts): AccountConfiguration {
  // Every active account is offered (ledgers classify accounts differently); the usual
  // classes for the row come first.
  const active = ledger ? ledger.accounts.filter((a) => a.status === 'Active') : [];
  const options = [
    ...active.filter((a) => spec.classes.includes(a.classification)),
    ...active.filter((a) => !spec.classes.includes(a.classification)),
  ].map(accountOption);
  return {
    labelText: spec.label,
    descriptionText: spec.description,
    required: spec.required(facts),
    selectedAccountId: selected?.selectedAccountId ?? null,
    accountOptions: options,
  };
}

/**
 * An option name that shows its rate once: ledgers often name a rate with it already
 * ("GST (5%)", "Standard 20%"), so the rate is only appended when the name does not show it.
 */
export function nameWithRate(name: string, percent: number): string {
  const shown = [...name.matchAll(/(\d+(?:[.,]\d+)?)\s*%/g)].some((m) => Number(m[1]!.replace(',', '.')) === percent);
  return shown ? name : `${name} (${percent}%)`;
}

/**
 * Builds the full Configuration document: the merchant's selections (`selections`) laid over
 * every row and option list filled from the live ledger. Options the client sent are ignored,
 * so a selection is only valid when the ledger offers it.
 */
export function withOptions(selections: Configuration | null, ledger: LedgerSnapshot | null, facts: CommerceFacts, companyId: string): Configuration {
  const saved = normalizeConfiguration(selections ?? {});
  const commerce: CommerceConfiguration = saved.configuration ?? {};
  const sales: SalesSelections = commerce.sales ?? {};
  const payments: PaymentSelections = commerce.payments ?? {};
  const fees: FeeSelections = commerce.fees ?? {};
  const activeTaxRates = ledger ? ledger.taxRates.filter((t) => t.status === 'Active') : [];
  const taxOptions: Option[] = activeTaxRates.map((t) => ({ id: t.id, name: nameWithRate(t.name, t.effectiveRate) }));

  const salesAccounts: Record<string, AccountConfiguration> = {};
  for (const [key, spec] of Object.entries(SALES_ROWS)) salesAccounts[key] = row(spec, sales.accounts?.[key], ledger, facts);
  // One row per commerce tax component: its own liability account (GST and PST apart),
  // defaulting to the account of the ledger tax rate the component is mapped to.
  for (const component of facts.taxComponents) {
    const key = taxComponentAccountKey(component.id);
    const rateId = sales.newTaxRates?.taxRateMappings?.find((m) => m.selectedCommerceTaxRateIds?.includes(component.id))?.selectedAccountingTaxRateId;
    const rateAccount = ledger?.taxRates.find((t) => t.id === rateId)?.accountId ?? null;
    const name = component.name ?? component.id;
    const saved = sales.accounts?.[key];
    salesAccounts[key] = row(
      { label: `Tax: ${name}`, description: `Liability account ${name} collected is posted to; empty = the account of its tax rate, else the Tax account.`, classes: ['Liability'], required: () => false },
      { required: false, selectedAccountId: saved?.selectedAccountId ?? rateAccount },
      ledger, facts,
    );
  }
  for (const [key, selected] of Object.entries(sales.accounts ?? {})) {
    if (!salesAccounts[key]) {
      salesAccounts[key] = row({ label: selected.labelText ?? key, description: selected.descriptionText ?? '', classes: key.startsWith('category:') ? ['Income'] : [], required: () => false }, selected, ledger, facts);
    }
  }

  const paymentAccounts: Record<string, AccountConfiguration> = {};
  const seenTypes = new Set(facts.paymentTypeKeys);
  for (const key of Object.values(PAYMENT_TYPE_KEYS)) {
    const label = PAYMENT_LABELS[key] ?? key;
    paymentAccounts[key] = row(
      { label, description: `Clearing or bank account that receives ${PAYMENT_NOUNS[key] ?? label}.`, classes: ['Asset', 'Liability'], required: () => seenTypes.has(key) },
      payments.accounts?.[key], ledger, facts,
    );
  }
  paymentAccounts[PAYOUT_ACCOUNT_KEY] = row(
    { label: 'Payouts', description: 'Bank account payouts from the payment processor land in.', classes: ['Asset'], required: (f) => f.hasPayouts },
    payments.accounts?.[PAYOUT_ACCOUNT_KEY], ledger, facts,
  );
  paymentAccounts[UNPAID_SALES_ACCOUNT_KEY] = row(
    { label: 'Unpaid sales clearing', description: 'Current-asset account (not accounts receivable) for sales not settled by the day\'s payments and money for sales of other days; empty = the Invoice payments account.', classes: ['Asset'], required: () => false },
    payments.accounts?.[UNPAID_SALES_ACCOUNT_KEY], ledger, facts,
  );

  const feeAccounts: Record<string, AccountConfiguration> = {};
  for (const [key, spec] of Object.entries(FEE_ROWS)) feeAccounts[key] = row(spec, fees.accounts?.[key], ledger, facts);

  const rateKeys = new Set([...facts.taxRateKeys, ...Object.keys(sales.taxRates ?? {})]);
  const taxRates = Object.fromEntries(
    [...rateKeys].sort((a, b) => Number(a) - Number(b)).map((key) => [
      key,
      { selectedTaxRateId: sales.taxRates?.[key]?.selectedTaxRateId ?? null, taxRateOptions: taxOptions },
    ]),
  );

  const schedule = saved.schedule ?? {};
  const mode = outputModeOf(commerce.mapSettings);
  return {
    companyId,
    accountingSoftwareCompanyName: ledger?.companyName,
    enabled: saved.enabled ?? false,
    configured: saved.configured ?? false,
    schedule: {
      selectedFrequency: schedule.selectedFrequency ?? undefined,
      frequencyOptions: ['Daily'],
      // Stored as sent (a date or a date-time; the date part counts); the 2023 contract types it date-time.
      startDate: schedule.startDate && /^\d{4}-\d{2}-\d{2}$/.test(schedule.startDate) ? `${schedule.startDate}T00:00:00Z` : schedule.startDate ?? undefined,
      syncHour: schedule.syncHour ?? 0,
      timeZone: schedule.timeZone ?? 'Etc/UTC',
    },
    configuration: {
      countryCode: commerce.countryCode ?? undefined,
      // Codat's outputFormat enum is closed (JournalEntry only): the mode travels in outputMode.
      mapSettings: mode ? { outputFormat: 'JournalEntry', outputMode: mode } : {},
      sales: {
        syncSales: sales.syncSales ?? true,
        accounts: salesAccounts,
        invoiceStatus: {
          selectedInvoiceStatus: sales.invoiceStatus?.selectedInvoiceStatus ?? null,
          invoiceStatusOptions: ['Submitted', 'Draft'],
        },
        salesCustomer: {
          selectedCustomerId: sales.salesCustomer?.selectedCustomerId ?? null,
          customerOptions: ledger ? ledger.customers.filter((c) => c.status === 'Active').map(contactOption) : [],
        },
        taxRates,
        newTaxRates: {
          accountingTaxRateOptions: taxOptions,
          commerceTaxRateOptions: facts.taxComponents,
          taxRateMappings: sales.newTaxRates?.taxRateMappings ?? [],
          selectedDefaultZeroTaxRateId: sales.newTaxRates?.selectedDefaultZeroTaxRateId ?? null,
          defaultZeroTaxRateOptions: activeTaxRates.filter((t) => t.effectiveRate === 0).map((t) => ({ id: t.id, name: t.name })),
        },
        grouping: {
          groupingPeriod: {
            selectedGroupingPeriod: sales.grouping?.groupingPeriod?.selectedGroupingPeriod ?? 'Daily',
            groupingPeriodOptions: ['Daily'],
          },
          groupingLevels: {
            invoiceLevel: {
              selectedGroupByOptions: sales.grouping?.groupingLevels?.invoiceLevel?.selectedGroupByOptions ?? [],
              groupByOptions: ['Location', 'Country'],
            },
            invoiceLineLevel: sales.grouping?.groupingLevels?.invoiceLineLevel ?? undefined,
          },
        },
      },
      payments: { syncPayments: payments.syncPayments ?? true, accounts: paymentAccounts },
      fees: {
        syncFees: fees.syncFees ?? false,
        feesSupplier: {
          selectedSupplierId: fees.feesSupplier?.selectedSupplierId ?? null,
          supplierOptions: ledger ? ledger.suppliers.filter((s) => s.status === 'Active').map(contactOption) : [],
        },
        accounts: feeAccounts,
      },
    },
  };
}

/** Strips option lists, keeping only what the merchant chose (what is stored). */
export function selectionsOnly(config: Configuration): Configuration {
  return JSON.parse(
    JSON.stringify(config, (key, value: unknown) =>
      /Options$/.test(key) && key !== 'selectedGroupByOptions' ? undefined : value,
    ),
  ) as Configuration;
}
