import { z } from 'zod';
import { isValidTimeZone } from './configuration-helpers.js';

/**
 * The merchant's sync configuration, Codat-compatible ("options + selected"): the server fills
 * every `*Options` list from the live ledger; the client writes back only `selected*` ids.
 * Shape follows `Configuration` in the Sync for Commerce contract (2023 and current).
 */

/** One choosable account, as read from the ledger's chart of accounts. */
export const AccountOptionSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  nominalCode: z.string().nullish(),
  /** Ledger account class: Asset, Liability, Equity, Income, Expense (Codat classification). */
  classification: z.string().nullish(),
  /** Extension: the ledger's own account type (e.g. Xero `BANK`, `REVENUE`, `CURRLIAB`). */
  type: z.string().nullish(),
  /** Extension: whether the ledger accepts payments against this account. */
  enablePaymentsToAccount: z.boolean().nullish(),
});
export type AccountOption = z.infer<typeof AccountOptionSchema>;

/** A generic `{ id, name }` option (tax rates, customers, suppliers). */
export const OptionSchema = z.object({ id: z.string().min(1), name: z.string().nullish() });
export type Option = z.infer<typeof OptionSchema>;

/** One mappable account row: label, help, whether it is required, the options and the choice. */
export const AccountConfigurationSchema = z.object({
  labelText: z.string().nullish(),
  descriptionText: z.string().nullish(),
  required: z.boolean().optional().default(false),
  selectedAccountId: z.string().nullish(),
  accountOptions: z.array(AccountOptionSchema).nullish(),
});
export type AccountConfiguration = z.infer<typeof AccountConfigurationSchema>;

export const TaxRateAmountSchema = z.object({
  selectedTaxRateId: z.string().nullish(),
  taxRateOptions: z.array(OptionSchema).nullish(),
});
export type TaxRateAmount = z.infer<typeof TaxRateAmountSchema>;

export const TaxRateMappingSchema = z.object({
  selectedCommerceTaxRateIds: z.array(z.string()).nullish(),
  selectedAccountingTaxRateId: z.string().nullish(),
});
export type TaxRateMapping = z.infer<typeof TaxRateMappingSchema>;

export const NewTaxRatesSchema = z.object({
  accountingTaxRateOptions: z.array(OptionSchema).nullish(),
  commerceTaxRateOptions: z.array(OptionSchema).nullish(),
  taxRateMappings: z.array(TaxRateMappingSchema).nullish(),
  selectedDefaultZeroTaxRateId: z.string().nullish(),
  defaultZeroTaxRateOptions: z.array(OptionSchema).nullish(),
});

const SelectionSchema = z.object({
  selectedGroupByOptions: z.array(z.string()).nullish(),
  groupByOptions: z.array(z.string()).nullish(),
});

/** Extra grouping a merchant may choose beyond currency (always grouped by currency). */
export const GroupByOption = z.enum(['Location', 'Country']);
export type GroupByOption = z.infer<typeof GroupByOption>;

export const GroupingSchema = z.object({
  groupingPeriod: z
    .object({
      selectedGroupingPeriod: z.string().nullish(),
      groupingPeriodOptions: z.array(z.string()).nullish(),
    })
    .nullish(),
  groupingLevels: z
    .object({ invoiceLevel: SelectionSchema.nullish(), invoiceLineLevel: SelectionSchema.optional() })
    .nullish(),
});

export const InvoiceStatus = z.enum(['Submitted', 'Draft']);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

export const SalesConfigurationSchema = z.object({
  syncSales: z.boolean().optional().default(true),
  /**
   * Keyed by account key: `sales`, `refund`, `gratuity`, `prepaid`, `tax`, `sales-other`,
   * `category:<id>`, `rounding`, and `tax:<componentId>` per commerce tax component (its own
   * liability account, e.g. GST and PST apart; see `taxComponentAccountKey`).
   */
  accounts: z.record(z.string(), AccountConfigurationSchema).nullish(),
  invoiceStatus: z
    .object({
      selectedInvoiceStatus: z.string().nullish(),
      invoiceStatusOptions: z.array(z.string()).nullish(),
    })
    .nullish(),
  salesCustomer: z
    .object({ selectedCustomerId: z.string().nullish(), customerOptions: z.array(OptionSchema).nullish() })
    .nullish(),
  /** Keyed by the commerce tax percentage as text: "20", "17.5", "0". */
  taxRates: z.record(z.string(), TaxRateAmountSchema).nullish(),
  newTaxRates: NewTaxRatesSchema.nullish(),
  grouping: GroupingSchema.nullish(),
});

export const PaymentsConfigurationSchema = z.object({
  syncPayments: z.boolean().optional().default(true),
  /**
   * Extension: post each payout as its own bank document of the amount that reaches the bank
   * (default, when absent or true), or `false` for one transfer per day × payment type netting them.
   */
  payoutsAsDeposits: z.boolean().optional(),
  /** Keyed by payment type key: `card`, `cash`, `onlineCard`, …, `payout`. */
  accounts: z.record(z.string(), AccountConfigurationSchema).nullish(),
});

export const FeesConfigurationSchema = z.object({
  syncFees: z.boolean().optional().default(false),
  feesSupplier: z
    .object({ selectedSupplierId: z.string().nullish(), supplierOptions: z.array(OptionSchema).nullish() })
    .nullish(),
  /** Keyed by `paymentFee`, `paymentFeeRefund` (and `loan`, `loanFee`, `cashback`). */
  accounts: z.record(z.string(), AccountConfigurationSchema).nullish(),
});

/**
 * Posting mode: a daily journal or (our extension) a daily invoice. Chosen once at first
 * configuration. On the wire it is `mapSettings.outputMode`; Codat's `outputFormat` has the
 * closed enum `["JournalEntry"]`, so responses always send `JournalEntry` there and a strict
 * client ignores `outputMode`. `outputFormat: "Invoice"` is still accepted on input (older
 * clients); read the mode with `outputModeOf`.
 */
export const OutputFormat = z.enum(['JournalEntry', 'Invoice']);
export type OutputFormat = z.infer<typeof OutputFormat>;

/** Extension `mapSettings.outputMode`: the posting mode. */
export const OutputMode = OutputFormat;
export type OutputMode = OutputFormat;

export const SyncFrequency = z.enum(['Daily', 'Monthly']);

/** A valid IANA time zone name, checked against the runtime's time-zone database. */
export const TimeZoneSchema = z.string().refine(isValidTimeZone, {
  message: 'Choose a time zone from the list (an IANA name such as Europe/London).',
});

export const ScheduleSchema = z.object({
  selectedFrequency: SyncFrequency.optional(),
  frequencyOptions: z.array(z.string()).nullish(),
  /** First merchant-local day to sync (ISO date or date-time; the date part counts). */
  startDate: z.string().optional(),
  syncHour: z.number().int().min(0).max(23).nullish(),
  /** @deprecated older name of `syncHour`; accepted on input. */
  syncHourUtc: z.number().int().min(0).max(23).nullish(),
  timeZone: TimeZoneSchema.nullish(),
  /**
   * Extension, read-only (ignored on input): before the first save, what a deleted earlier sync
   * of the same merchant posted to the same ledger. `startDate` then defaults to the day after
   * `lastPostedDay`, so those days are not posted a second time.
   */
  previousSync: z
    .object({
      /** The last merchant-local day (`YYYY-MM-DD`) the earlier sync posted. */
      lastPostedDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      /** Documents it wrote to the ledger. */
      documents: z.number().int().min(0),
    })
    .optional(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const CommerceConfigurationSchema = z.object({
  countryCode: z.string().optional(),
  mapSettings: z
    .object({
      /** Codat's field: `JournalEntry` in responses whenever a mode is chosen (see {@link OutputFormat}). */
      outputFormat: OutputFormat.optional(),
      /** Extension: the posting mode, `JournalEntry` or `Invoice`. */
      outputMode: OutputMode.optional(),
    })
    .nullish(),
  sales: SalesConfigurationSchema.nullish(),
  payments: PaymentsConfigurationSchema.nullish(),
  newPayments: PaymentsConfigurationSchema.nullish(),
  fees: FeesConfigurationSchema.nullish(),
});
export type CommerceConfiguration = z.infer<typeof CommerceConfigurationSchema>;

/**
 * The whole configuration document, as returned by get-configuration and accepted by
 * set-configuration. Fields typed `.optional()` are left out when they have no value (the
 * Codat contract has no `null` there); `absentNotNull` (`wire.ts`) drops such `null`s from a body
 * before it is parsed, so echoing an older response still works. `enable` (current contract) and `enabled` (older) are both accepted;
 * use {@link normalizeConfiguration} to read the pause flag.
 */
export const ConfigurationSchema = z.object({
  companyId: z.string().nullish(),
  accountingSoftwareCompanyName: z.string().optional(),
  enabled: z.boolean().nullish(),
  enable: z.boolean().nullish(),
  configured: z.boolean().nullish(),
  schedule: ScheduleSchema.nullish(),
  configuration: CommerceConfigurationSchema.nullish(),
});
export type Configuration = z.infer<typeof ConfigurationSchema>;

export {
  isValidTimeZone,
  normalizeConfiguration,
  outputModeOf,
  PAYMENT_TYPE_KEYS,
  PAYOUT_ACCOUNT_KEY,
  UNPAID_SALES_ACCOUNT_KEY,
  taxComponentAccountKey,
  taxRateKey,
} from './configuration-helpers.js';
