import type { LedgerAccountClass } from '../connector.js';

/**
 * Seed data of the sandbox ledgers. Every ledger created from a template gets exactly these
 * accounts, tax rates and contacts with exactly these ids, so fixtures, tests and the demo can
 * reference them (`SANDBOX_TEMPLATES.uk.accounts.sales.id === 'acc-200'`).
 */

/** The templates a sandbox ledger can be created from. */
export type SandboxTemplateKey = 'uk' | 'us' | 'ca';

/** One seeded account of a template. */
export interface SandboxAccountSeed {
  id: string;
  code: string;
  name: string;
  classification: LedgerAccountClass;
  /** Platform type, Xero style (`BANK`, `CURRENT`, `CURRLIAB`, `REVENUE`, `EXPENSE`, `EQUITY`, …). */
  type: string;
  status: 'Active' | 'Archived';
  isBankAccount: boolean;
  enablePaymentsToAccount: boolean;
  description: string;
}

/** One seeded tax rate; tax collected at it is posted to `liabilityAccountId`. */
export interface SandboxTaxRateSeed {
  id: string;
  name: string;
  /** Percentage (20 for 20%). */
  effectiveRate: number;
  status: 'Active' | 'Archived';
  liabilityAccountId: string;
}

/** One seeded contact (a customer, a supplier or both). */
export interface SandboxContactSeed {
  id: string;
  name: string;
  isCustomer: boolean;
  isSupplier: boolean;
  status: 'Active' | 'Archived';
}

/** A ledger template: company details plus chart of accounts, tax rates and contacts. */
export interface SandboxTemplate<A extends string = string, T extends string = string> {
  key: SandboxTemplateKey;
  /** What the consent page shows, e.g. "UK VAT (GBP)". */
  label: string;
  defaultName: string;
  baseCurrency: string;
  /** Currencies enabled at creation, base currency first. */
  currencies: readonly string[];
  countryCode: string;
  /** Locale used to format money in the ledger's HTML view. */
  locale: string;
  /** Control accounts documents post to implicitly. */
  receivableAccountId: string;
  payableAccountId: string;
  accounts: Readonly<Record<A, SandboxAccountSeed>>;
  taxRates: Readonly<Record<T, SandboxTaxRateSeed>>;
  contacts: Readonly<Record<string, SandboxContactSeed>>;
}

function account(
  code: string,
  name: string,
  classification: LedgerAccountClass,
  type: string,
  description: string,
  extra: Partial<Pick<SandboxAccountSeed, 'status' | 'enablePaymentsToAccount'>> = {},
): SandboxAccountSeed {
  const isBankAccount = type === 'BANK';
  return {
    id: `acc-${code}`,
    code,
    name,
    classification,
    type,
    status: extra.status ?? 'Active',
    isBankAccount,
    enablePaymentsToAccount: extra.enablePaymentsToAccount ?? isBankAccount,
    description,
  };
}

/** The chart every template shares; only the tax accounts' names differ by country. */
function chart(taxPayableName: string) {
  return {
    businessBank: account(
      '090',
      'Business bank account',
      'Asset',
      'BANK',
      'Where payouts are deposited.',
    ),
    cardClearing: account(
      '091',
      'Card clearing',
      'Asset',
      'BANK',
      'Card takings until the processor pays out.',
    ),
    cashClearing: account('092', 'Cash clearing', 'Asset', 'BANK', 'Cash takings until banked.'),
    paypalClearing: account(
      '093',
      'PayPal clearing',
      'Asset',
      'BANK',
      'PayPal takings until withdrawn.',
    ),
    undepositedFunds: account(
      '094',
      'Undeposited funds',
      'Asset',
      'BANK',
      'Other takings not yet deposited.',
    ),
    accountsReceivable: account(
      '610',
      'Accounts receivable',
      'Asset',
      'CURRENT',
      'Outstanding invoices.',
    ),
    inventory: account('630', 'Inventory', 'Asset', 'INVENTORY', 'Stock on hand.'),
    prepayments: account('620', 'Prepayments', 'Asset', 'CURRENT', 'Paid in advance.', {
      enablePaymentsToAccount: false,
    }),
    accountsPayable: account(
      '800',
      'Accounts payable',
      'Liability',
      'CURRLIAB',
      'Outstanding bills.',
    ),
    taxPayable: account('820', taxPayableName, 'Liability', 'CURRLIAB', 'Tax collected on sales.'),
    giftCardLiability: account(
      '830',
      'Gift card liability',
      'Liability',
      'CURRLIAB',
      'Gift cards sold, not yet redeemed.',
    ),
    tipsPayable: account(
      '835',
      'Tips payable',
      'Liability',
      'CURRLIAB',
      'Gratuities owed to staff.',
    ),
    sales: account('200', 'Sales', 'Income', 'REVENUE', 'Income from goods and services.'),
    shippingIncome: account('210', 'Shipping income', 'Income', 'REVENUE', 'Delivery charges.'),
    gratuities: account('220', 'Gratuities', 'Income', 'REVENUE', 'Service charges and tips kept.'),
    oldSales: account(
      '201',
      'Sales - old till',
      'Income',
      'REVENUE',
      'Retired; kept for history.',
      {
        status: 'Archived',
      },
    ),
    costOfSales: account(
      '310',
      'Cost of goods sold',
      'Expense',
      'DIRECTCOSTS',
      'Cost of stock sold.',
    ),
    merchantFees: account(
      '404',
      'Merchant fees',
      'Expense',
      'EXPENSE',
      'Card and payment processing fees.',
    ),
    rounding: account(
      '405',
      'Rounding',
      'Expense',
      'EXPENSE',
      'Cent differences from tax rounding.',
    ),
    generalExpenses: account('429', 'General expenses', 'Expense', 'EXPENSE', 'Everything else.'),
    ownerFunds: account(
      '970',
      "Owner's funds introduced",
      'Equity',
      'EQUITY',
      'Capital put in by the owner.',
    ),
    retainedEarnings: account(
      '960',
      'Retained earnings',
      'Equity',
      'EQUITY',
      'Profit kept from prior years.',
    ),
  } as const;
}

function contacts() {
  return {
    dailySales: {
      id: 'cus-daily-sales',
      name: 'Daily sales',
      isCustomer: true,
      isSupplier: false,
      status: 'Active',
    },
    onlineSales: {
      id: 'cus-online-sales',
      name: 'Online sales',
      isCustomer: true,
      isSupplier: false,
      status: 'Active',
    },
    oldTill: {
      id: 'cus-old-till',
      name: 'Old till sales',
      isCustomer: true,
      isSupplier: false,
      status: 'Archived',
    },
    cardProcessor: {
      id: 'sup-card-processor',
      name: 'Card processor',
      isCustomer: false,
      isSupplier: true,
      status: 'Active',
    },
    paypal: {
      id: 'sup-paypal',
      name: 'PayPal',
      isCustomer: false,
      isSupplier: true,
      status: 'Active',
    },
  } as const satisfies Record<string, SandboxContactSeed>;
}

const ukAccounts = chart('VAT payable');
const usAccounts = chart('Sales tax payable');
const caAccounts = {
  ...chart('GST/HST payable'),
  pstPayable: account(
    '825',
    'PST payable',
    'Liability',
    'CURRLIAB',
    'BC provincial sales tax collected.',
  ),
};

function rate(
  id: string,
  name: string,
  effectiveRate: number,
  liabilityAccountId = 'acc-820',
): SandboxTaxRateSeed {
  return { id, name, effectiveRate, status: 'Active', liabilityAccountId };
}

/** The three sandbox ledger templates, keyed by template key. */
export const SANDBOX_TEMPLATES = {
  uk: {
    key: 'uk',
    label: 'UK VAT (GBP)',
    defaultName: 'Sandbox Trading Ltd',
    baseCurrency: 'GBP',
    currencies: ['GBP', 'EUR'],
    countryCode: 'GB',
    locale: 'en-GB',
    receivableAccountId: ukAccounts.accountsReceivable.id,
    payableAccountId: ukAccounts.accountsPayable.id,
    accounts: ukAccounts,
    taxRates: {
      standard: rate('tax-uk-standard', '20% (VAT on Income)', 20),
      reduced: rate('tax-uk-reduced', '5% (VAT on Income)', 5),
      zeroRated: rate('tax-uk-zero', 'Zero Rated Income', 0),
      exempt: rate('tax-uk-exempt', 'Exempt Income', 0),
      noVat: rate('tax-uk-none', 'No VAT', 0),
    },
    contacts: contacts(),
  },
  us: {
    key: 'us',
    label: 'US sales tax (USD)',
    defaultName: 'Sandbox Trading Inc.',
    baseCurrency: 'USD',
    currencies: ['USD'],
    countryCode: 'US',
    locale: 'en-US',
    receivableAccountId: usAccounts.accountsReceivable.id,
    payableAccountId: usAccounts.accountsPayable.id,
    accounts: usAccounts,
    taxRates: {
      newYorkCity: rate('tax-us-ny-nyc', 'NY State + NYC (8.875%)', 8.875),
      newYorkState: rate('tax-us-ny-state', 'NY State (4%)', 4),
      newYorkCounty: rate('tax-us-ny-county', 'NYC local (4.875%)', 4.875),
      exempt: rate('tax-us-exempt', 'Tax exempt (0%)', 0),
    },
    contacts: contacts(),
  },
  ca: {
    key: 'ca',
    label: 'Canada GST/PST (CAD)',
    defaultName: 'Sandbox Trading Canada Ltd.',
    baseCurrency: 'CAD',
    currencies: ['CAD', 'USD'],
    countryCode: 'CA',
    locale: 'en-CA',
    receivableAccountId: caAccounts.accountsReceivable.id,
    payableAccountId: caAccounts.accountsPayable.id,
    accounts: caAccounts,
    taxRates: {
      gst: rate('tax-ca-gst', 'GST (5%)', 5),
      pstBc: rate('tax-ca-pst-bc', 'PST BC (7%)', 7, 'acc-825'),
      hstOn: rate('tax-ca-hst-on', 'HST ON (13%)', 13),
      zero: rate('tax-ca-zero', 'Zero-rated (0%)', 0),
    },
    contacts: contacts(),
  },
} as const satisfies Record<SandboxTemplateKey, SandboxTemplate>;

/** Template keys in the order the consent page lists them. */
export const SANDBOX_TEMPLATE_KEYS: readonly SandboxTemplateKey[] = ['uk', 'us', 'ca'];

/** Whether `value` names a template. */
export function isSandboxTemplateKey(value: unknown): value is SandboxTemplateKey {
  return value === 'uk' || value === 'us' || value === 'ca';
}
