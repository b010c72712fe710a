import {
  ConfigurationViewSchema,
  PlatformSchema,
  SyncRunSchema,
} from '../../../src/contract/bff.js';
import type { ConfigurationView, Platform, SyncRun } from '../../../src/contract/bff.js';
import type { AccountOption, Option } from '../../../src/contract/configuration.js';
import { ERROR_CATALOG, formatCatalogMessage } from '../../../src/contract/error-catalog.js';
import type { SyncErrorCode } from '../../../src/contract/error-catalog.js';

/** A small deterministic PRNG (mulberry32) so generated ledgers are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORE_ACCOUNTS: AccountOption[] = [
  { id: 'acc-4000', name: 'Sales', nominalCode: '4000', classification: 'Income', type: 'REVENUE' },
  { id: 'acc-4010', name: 'Refunds', nominalCode: '4010', classification: 'Income', type: 'REVENUE' },
  { id: 'acc-4020', name: 'Gratuities', nominalCode: '4020', classification: 'Income', type: 'REVENUE' },
  { id: 'acc-2300', name: 'Gift card liability', nominalCode: '2300', classification: 'Liability', type: 'CURRLIAB' },
  { id: 'acc-1210', name: 'Card clearing', nominalCode: '1210', classification: 'Asset', type: 'CURRENT', enablePaymentsToAccount: true },
  { id: 'acc-1220', name: 'Cash clearing', nominalCode: '1220', classification: 'Asset', type: 'CURRENT', enablePaymentsToAccount: true },
  { id: 'acc-1200', name: 'Business bank account', nominalCode: '1200', classification: 'Asset', type: 'BANK', enablePaymentsToAccount: true },
  { id: 'acc-6100', name: 'Payment processing fees', nominalCode: '6100', classification: 'Expense', type: 'EXPENSE' },
  { id: 'acc-6110', name: 'Payment fee refunds', nominalCode: '6110', classification: 'Expense', type: 'EXPENSE' },
];

const WORDS = ['Sales', 'Café', 'Equipment', 'Rent', 'Travel', 'Marketing', 'Utilities', 'Wages', 'Stock', 'Deposits', 'Clearing', 'Consulting', 'Licences', 'Insurance', 'Repairs', 'Postage', 'Software', 'Training'];
const CLASSES = [
  ['Income', 'REVENUE'],
  ['Expense', 'EXPENSE'],
  ['Asset', 'CURRENT'],
  ['Liability', 'CURRLIAB'],
] as const;

/** A chart of accounts with the core accounts first, padded to `count` with seeded, realistic extras. */
export function generateAccounts(count: number, seed = 7): AccountOption[] {
  const random = seededRandom(seed);
  const accounts = CORE_ACCOUNTS.slice(0, Math.min(count, CORE_ACCOUNTS.length)).map((a) => ({ ...a }));
  for (let i = accounts.length; i < count; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    const other = WORDS[Math.floor(random() * WORDS.length)]!;
    const [classification, type] = CLASSES[Math.floor(random() * CLASSES.length)]!;
    accounts.push({ id: `acc-x${i}`, name: `${word} ${other.toLowerCase()} ${i}`, nominalCode: String(5000 + i), classification, type });
  }
  return accounts;
}

/** UK VAT tax rates of the sandbox ledger. */
export const TAX_RATE_OPTIONS: Option[] = [
  { id: 'tax-20', name: 'Standard 20%' },
  { id: 'tax-5', name: 'Reduced 5%' },
  { id: 'tax-0', name: 'Zero rated 0%' },
];

/** The platforms the mock BFF offers. */
export function platformsFixture(): Platform[] {
  return [
    { key: 'sandbox', name: 'Sandbox ledger', logoUrl: '/logos/sandbox.svg', isBeta: false, branding: { logo: { square: { src: '/logos/sandbox-square.svg', alt: null } } } },
    { key: 'xero', name: 'Xero', logoUrl: '/logos/xero.svg', isBeta: false, branding: null },
    { key: 'quickbooks-online', name: 'QuickBooks Online', logoUrl: null, isBeta: true, branding: null },
  ].map((p) => PlatformSchema.parse(p));
}

/** Options of {@link configurationFixture}. */
export interface ConfigurationFixtureOptions {
  /** Accounts in the chart (default 40). */
  accounts?: number;
  /** Whether the merchant already saved once (selections filled, output mode locked). */
  configured?: boolean;
  enabled?: boolean;
  outputFormat?: 'JournalEntry' | 'Invoice';
  /** Include commerce tax components (multi-component tax, e.g. Canada GST + PST). */
  taxComponents?: boolean;
}

/** A schema-valid configuration document as the BFF returns it, options filled from a sandbox ledger. */
export function configurationFixture(options: ConfigurationFixtureOptions = {}): ConfigurationView {
  const { accounts: count = 40, configured = false, enabled = configured, outputFormat = 'JournalEntry', taxComponents = false } = options;
  const accountOptions = generateAccounts(count);
  const row = (labelText: string, required: boolean, selected: string) => ({
    labelText,
    descriptionText: null,
    required,
    selectedAccountId: configured ? selected : null,
    accountOptions,
  });
  return ConfigurationViewSchema.parse({
    companyId: 'company-1',
    accountingSoftwareCompanyName: 'Sandbox ledger',
    enabled,
    configured,
    schedule: {
      selectedFrequency: 'Daily',
      frequencyOptions: ['Daily'],
      startDate: configured ? '2026-11-01' : undefined,
      syncHour: configured ? 2 : null,
      timeZone: configured ? 'Europe/London' : null,
    },
    configuration: {
      countryCode: 'GB',
      mapSettings: configured ? { outputFormat: 'JournalEntry', outputMode: outputFormat } : {},
      sales: {
        syncSales: true,
        accounts: {
          sales: row('Sales', true, 'acc-4000'),
          refund: row('Refunds', true, 'acc-4010'),
          gratuity: row('Gratuity', false, 'acc-4020'),
          prepaid: row('Gift cards', false, 'acc-2300'),
        },
        taxRates: {
          '20': { selectedTaxRateId: configured ? 'tax-20' : null, taxRateOptions: TAX_RATE_OPTIONS },
          '5': { selectedTaxRateId: configured ? 'tax-5' : null, taxRateOptions: TAX_RATE_OPTIONS },
        },
        ...(taxComponents
          ? {
              newTaxRates: {
                accountingTaxRateOptions: TAX_RATE_OPTIONS,
                commerceTaxRateOptions: [
                  { id: 'gst', name: 'GST 5%' },
                  { id: 'pst', name: 'PST 7%' },
                ],
                taxRateMappings: configured ? [{ selectedCommerceTaxRateIds: ['gst', 'pst'], selectedAccountingTaxRateId: 'tax-20' }] : [],
              },
            }
          : {}),
        salesCustomer: { selectedCustomerId: configured ? 'cust-1' : null, customerOptions: [{ id: 'cust-1', name: 'Daily sales' }] },
        // As the sync service fills it: both statuses offered, none chosen before the first save.
        invoiceStatus: { selectedInvoiceStatus: configured && outputFormat === 'Invoice' ? 'Submitted' : null, invoiceStatusOptions: ['Submitted', 'Draft'] },
      },
      payments: {
        syncPayments: true,
        accounts: {
          card: row('Card payments', true, 'acc-1210'),
          cash: row('Cash payments', true, 'acc-1220'),
          payout: row('Payouts', true, 'acc-1200'),
        },
      },
      fees: {
        syncFees: configured,
        feesSupplier: { selectedSupplierId: configured ? 'sup-1' : null, supplierOptions: [{ id: 'sup-1', name: 'Card processor Ltd' }] },
        accounts: {
          paymentFee: row('Payment fees', true, 'acc-6100'),
          paymentFeeRefund: row('Payment fee refunds', true, 'acc-6110'),
        },
      },
    },
  });
}

/** A sync run; failed runs carry the catalog's merchant message and wizard step. */
export function syncRunFixture(init: {
  id: string;
  date: string;
  state?: 'running' | 'succeeded' | 'failed';
  dataPushed?: boolean;
  failure?: { code: SyncErrorCode; params?: Record<string, string | number> };
}): SyncRun {
  const entry = init.failure ? ERROR_CATALOG[init.failure.code] : null;
  const state = init.failure ? 'failed' : (init.state ?? 'succeeded');
  const finish = new Date(`${init.date}T00:00:00Z`);
  finish.setUTCDate(finish.getUTCDate() + 1);
  return SyncRunSchema.parse({
    id: init.id,
    state,
    statusCode: entry ? entry.statusCode : state === 'running' ? 1000 : init.dataPushed === false ? 2040 : 2000,
    syncedAt: `${finish.toISOString().slice(0, 10)}T02:05:00Z`,
    dataPushed: state === 'succeeded' ? (init.dataPushed ?? true) : false,
    // The BFF sends inclusive days: a one-day run starts and finishes on its day.
    dateRange: { start: init.date, finish: init.date },
    problem: entry
      ? {
          code: entry.code,
          statusCode: entry.statusCode,
          message: formatCatalogMessage(entry.message, init.failure?.params ?? {}),
          step: entry.step,
          retryable: entry.retryable,
          // As the BFF passes them on: the specifics the message was written with, as strings.
          ...(init.failure?.params ? { params: Object.fromEntries(Object.entries(init.failure.params).map(([k, v]) => [k, String(v)])) } : {}),
        }
      : null,
  });
}

/** A healthy history: three posted days and one with nothing to post, newest first. */
export function healthyHistory(): SyncRun[] {
  return [
    syncRunFixture({ id: 'run-4', date: '2026-11-26' }),
    syncRunFixture({ id: 'run-3', date: '2026-11-25', dataPushed: false }),
    syncRunFixture({ id: 'run-2', date: '2026-11-24' }),
    syncRunFixture({ id: 'run-1', date: '2026-11-23' }),
  ];
}

/** A failing history: the latest day stopped on a new payment type (fixed under Payments). */
export function failingHistory(): SyncRun[] {
  return [
    syncRunFixture({ id: 'run-6', date: '2026-11-27', failure: { code: 'payment_type_unmapped', params: { platform: 'Sandbox ledger', paymentType: 'Swish', paymentTypeKey: 'swish' } } }),
    syncRunFixture({ id: 'run-5', date: '2026-11-26', failure: { code: 'authorization_expired', params: { platform: 'Sandbox ledger' } } }),
    ...healthyHistory(),
  ];
}
