/**
 * `commerce-sync/contract`: every wire shape, defined once as a zod schema (types by
 * `z.infer`). The widget, the BFF, the sync service, connectors, MSW handlers and fixtures
 * all import from here.
 */
export {
  currencyExponent,
  toMinor,
  fromMinor,
  minorToNumber,
  allocate,
  MoneyPrecisionError,
} from './money.js';
export {
  AccountOptionSchema,
  OptionSchema,
  AccountConfigurationSchema,
  TaxRateAmountSchema,
  TaxRateMappingSchema,
  NewTaxRatesSchema,
  GroupByOption,
  GroupingSchema,
  InvoiceStatus,
  SalesConfigurationSchema,
  PaymentsConfigurationSchema,
  FeesConfigurationSchema,
  OutputFormat,
  SyncFrequency,
  TimeZoneSchema,
  isValidTimeZone,
  ScheduleSchema,
  CommerceConfigurationSchema,
  ConfigurationSchema,
  normalizeConfiguration,
  PAYMENT_TYPE_KEYS,
  PAYOUT_ACCOUNT_KEY,
  taxRateKey,
} from './configuration.js';
export type {
  AccountOption,
  Option,
  AccountConfiguration,
  TaxRateAmount,
  TaxRateMapping,
  Schedule,
  CommerceConfiguration,
  Configuration,
} from './configuration.js';
export {
  LocalDateSchema,
  LineRole,
  DocumentGroupSchema,
  JournalLineSchema,
  JournalDocumentSchema,
  SalesLineSchema,
  InvoiceDocumentSchema,
  CreditNoteDocumentSchema,
  BillDocumentSchema,
  BillCreditNoteDocumentSchema,
  PaymentDocumentSchema,
  BankTransactionDocumentSchema,
  TransferDocumentSchema,
  AccountingDocumentSchema,
  documentReference,
} from './documents.js';
export type {
  DocumentGroup,
  JournalLine,
  JournalDocument,
  SalesLine,
  InvoiceDocument,
  CreditNoteDocument,
  BillDocument,
  BillCreditNoteDocument,
  PaymentDocument,
  BankTransactionDocument,
  TransferDocument,
  AccountingDocument,
  DocumentKind,
} from './documents.js';
export { FieldErrorSchema, ErrorEnvelopeSchema } from './errors.js';
export type { FieldError, ErrorEnvelope } from './errors.js';
export { ERROR_CATALOG, formatCatalogMessage } from './error-catalog.js';
export type { CatalogEntry, SyncErrorCode, WizardStep } from './error-catalog.js';
export { validateConfiguration } from './configuration-rules.js';
export type { ConfigurationRuleContext, ConfigurationRule } from './configuration-rules.js';
