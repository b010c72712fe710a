import { validateConfiguration } from '../../src/contract/configuration-rules.js';
import type { AccountConfiguration, Configuration } from '../../src/contract/configuration.js';

const accounts = [
  { id: 'sales', name: 'Sales', classification: 'Income' },
  { id: 'vat', name: 'VAT', classification: 'Liability' },
  { id: 'gift', name: 'Gift card liability', classification: 'Liability' },
  { id: 'card', name: 'Card clearing', classification: 'Asset' },
  { id: 'cash', name: 'Cash clearing', classification: 'Asset' },
  { id: 'bank', name: 'Bank', classification: 'Asset' },
  { id: 'fees', name: 'Merchant fees', classification: 'Expense' },
];
const row = (selected: string | null, required = true): AccountConfiguration => ({
  labelText: null,
  descriptionText: null,
  required,
  selectedAccountId: selected,
  accountOptions: accounts,
});

function validJournalConfig(): Configuration {
  return {
    enabled: true,
    configured: false,
    schedule: { selectedFrequency: 'Daily', startDate: '2026-11-01', syncHour: 0, timeZone: 'Europe/London' },
    configuration: {
      mapSettings: { outputFormat: 'JournalEntry' },
      sales: {
        syncSales: true,
        accounts: { sales: row('sales'), tax: row('vat'), prepaid: row('gift', false) },
        taxRates: { '20': { selectedTaxRateId: 'tr20', taxRateOptions: [{ id: 'tr20', name: '20%' }] } },
        grouping: { groupingPeriod: { selectedGroupingPeriod: 'Daily', groupingPeriodOptions: ['Daily'] } },
      },
      payments: { syncPayments: true, accounts: { card: row('card'), cash: row('cash'), payout: row('bank') } },
      fees: { syncFees: true, accounts: { paymentFee: row('fees') } },
    },
  };
}

const codes = (c: Configuration, ctx = {}) => validateConfiguration(c, ctx).map((e) => `${e.validatorName}@${e.itemId}`);

describe('validateConfiguration', () => {
  it('accepts a complete journal configuration', () => {
    expect(validateConfiguration(validJournalConfig())).toEqual([]);
  });

  it('requires both connections', () => {
    expect(codes(validJournalConfig(), { connections: { commerceLinked: true, accountingLinked: false } })).toEqual([
      'connections_not_linked@connections',
    ]);
  });

  it('refuses fees without payments', () => {
    const c = validJournalConfig();
    c.configuration!.payments!.syncPayments = false;
    expect(codes(c)).toContain('fees_need_payments@configuration.fees.syncFees');
  });

  it('refuses the card account as payout account', () => {
    const c = validJournalConfig();
    c.configuration!.payments!.accounts!['payout'] = row('card');
    const errors = validateConfiguration(c);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ validatorName: 'card_equals_payout', itemId: 'configuration.payments.accounts.payout.selectedAccountId' });
    expect(errors[0]!.message).toMatch(/different account/);
  });

  it('refuses the gift-card liability as the prepaid payment account', () => {
    const c = validJournalConfig();
    c.configuration!.payments!.accounts!['prepaidPayment'] = row('gift', false);
    expect(codes(c)).toEqual(['prepaid_equals_prepaid_payment@configuration.payments.accounts.prepaidPayment.selectedAccountId']);
  });

  it('flags a selection that is no longer an option and required rows without one', () => {
    const c = validJournalConfig();
    c.configuration!.sales!.accounts!['sales'] = row('archived-account');
    c.configuration!.payments!.accounts!['cash'] = row(null);
    c.configuration!.sales!.taxRates!['20']!.selectedTaxRateId = 'gone';
    expect(codes(c)).toEqual([
      'selection_not_an_option@configuration.sales.accounts.sales.selectedAccountId',
      'selection_required@configuration.payments.accounts.cash.selectedAccountId',
      'selection_not_an_option@configuration.sales.taxRates.20.selectedTaxRateId',
    ]);
  });

  it('says when the ledger has no sales (income) account', () => {
    const c = validJournalConfig();
    const noIncome = accounts.filter((a) => a.classification !== 'Income');
    c.configuration!.sales!.accounts!['sales'] = { ...row(null), accountOptions: noIncome };
    expect(codes(c)).toContain('no_sales_account@configuration.sales.accounts.sales');
  });

  it('refuses payments with draft invoices and asks for the invoice-mode choices', () => {
    const c = validJournalConfig();
    c.configuration!.mapSettings!.outputFormat = 'Invoice';
    expect(codes(c)).toEqual([
      'invoice_status_missing@configuration.sales.invoiceStatus.selectedInvoiceStatus',
      'sales_customer_missing@configuration.sales.salesCustomer.selectedCustomerId',
      'fees_supplier_missing@configuration.fees.feesSupplier.selectedSupplierId',
    ]);
    c.configuration!.sales!.invoiceStatus = { selectedInvoiceStatus: 'Draft' };
    c.configuration!.sales!.salesCustomer = { selectedCustomerId: 'c1', customerOptions: [{ id: 'c1', name: 'Daily sales' }] };
    c.configuration!.fees!.feesSupplier = { selectedSupplierId: 's1', supplierOptions: [{ id: 's1', name: 'Processor' }] };
    expect(codes(c)).toEqual(['draft_with_payments@configuration.sales.invoiceStatus.selectedInvoiceStatus']);
  });

  it('reports missing grouping, frequency, start date and time zone', () => {
    const c = validJournalConfig();
    c.configuration!.sales!.grouping = null;
    c.schedule = { startDate: 'tomorrow' };
    expect(codes(c)).toEqual([
      'grouping_missing@configuration.sales.grouping.groupingPeriod.selectedGroupingPeriod',
      'frequency_missing@schedule.selectedFrequency',
      'start_date_invalid@schedule.startDate',
      'time_zone_missing@schedule.timeZone',
    ]);
  });

  it('refuses a change of output mode after the first configuration', () => {
    const previous = { ...validJournalConfig(), configured: true };
    const next = validJournalConfig();
    next.configuration!.mapSettings!.outputFormat = 'Invoice';
    next.configuration!.sales!.invoiceStatus = { selectedInvoiceStatus: 'Submitted' };
    next.configuration!.sales!.salesCustomer = { selectedCustomerId: 'c1' };
    next.configuration!.fees!.feesSupplier = { selectedSupplierId: 's1' };
    expect(codes(next, { previous })).toEqual(['output_format_locked@configuration.mapSettings.outputFormat']);
  });

  it('accepts the older `enable` flag and `syncHourUtc`', () => {
    const c = validJournalConfig();
    delete c.enabled;
    c.enable = false;
    c.schedule = { ...c.schedule, syncHour: undefined, syncHourUtc: 3 };
    expect(validateConfiguration(c)).toEqual([]);
  });
});
