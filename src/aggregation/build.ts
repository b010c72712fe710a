import type { Configuration } from '../contract/configuration.js';
import { PAYMENT_TYPE_KEYS, taxComponentAccountKey, UNPAID_SALES_ACCOUNT_KEY } from '../contract/configuration.js';
import { outputModeOf } from '../contract/configuration-helpers.js';
import type {
  AccountingDocument,
  DocumentGroup,
  JournalLine,
  LineRole,
  SalesLine,
} from '../contract/documents.js';
import { documentReference } from '../contract/documents.js';
import type { SyncErrorCode } from '../contract/error-catalog.js';
import { ERROR_CATALOG, formatCatalogMessage } from '../contract/error-catalog.js';
import type { DayTotals, SlotKey } from './accumulate.js';

/**
 * Turns one merchant-day × group of running totals into accounting documents (journal mode or
 * invoice mode), or into problems when something cannot be posted.
 */

/** A record or configuration issue that stops a day-group from being posted. */
export interface AggregationProblem {
  code: SyncErrorCode;
  date: string;
  group: DocumentGroup | null;
  /** Merchant-facing message: what to map or fix, and where. */
  message: string;
  params: Record<string, string | number>;
  recordIds: string[];
  /** Configuration path that fixes it, e.g. `configuration.payments.accounts.swish`. */
  configPath: string | null;
  /**
   * The problem is one record's own (`recordIds[0]`): it was left out, and the rest of its day
   * posted unless another problem held the day back. The day stays incomplete until the record
   * is re-pushed fixed, or deleted.
   */
  isolated?: boolean;
}

/** Everything the builder needs besides the totals. */
export interface BuildContext {
  companyId: string;
  configuration: Configuration;
  platformName: string;
  slots: readonly SlotKey[];
  componentName: (id: string) => string;
}

/** A document of the day before revision handling: `slot` identifies it across runs. */
export interface SlotDocument {
  slot: string;
  document: AccountingDocument;
}

const PAYMENT_TYPE_NAMES: Record<string, string> = Object.fromEntries(
  Object.entries(PAYMENT_TYPE_KEYS).map(([name, key]) => [key, name === 'Prepaid' ? 'Prepaid (gift card)' : name]),
);

const ACCOUNT_LABELS: Record<string, string> = {
  sales: 'Sales',
  refund: 'Refunds',
  gratuity: 'Gratuities',
  prepaid: 'Gift cards (prepaid)',
  tax: 'Tax',
  shipping: 'Shipping',
  rounding: 'Rounding',
  paymentFee: 'Payment fees',
  paymentFeeRefund: 'Payment fee refunds',
  payout: 'Payouts (bank account)',
};

/** Round-half-away-from-zero of `net × percentage / 100`, exactly, for a decimal percentage key. */
export function taxOn(net: number, rateKey: string): number {
  const [whole = '0', frac = ''] = rateKey.split('.');
  const scaled = BigInt(whole + frac.padEnd(6, '0').slice(0, 6)); // percentage × 1e6
  const numerator = BigInt(net) * scaled;
  const denominator = 100_000_000n;
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  let q = abs / denominator;
  if ((abs % denominator) * 2n >= denominator) q += 1n;
  return Number(negative ? -q : q);
}

const KIND_ORDER: Record<SlotKey['kind'], number> = { sales: 0, prepaid: 1, gratuity: 2, tax: 3, rounding: 4 };

/** A stable order of slots, independent of the order records arrived in. */
function compareSlots(a: SlotKey, b: SlotKey): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (a.accountKey < b.accountKey ? -1 : a.accountKey > b.accountKey ? 1 : 0) ||
    Number(a.rateKey || 0) - Number(b.rateKey || 0) ||
    (a.role < b.role ? -1 : a.role > b.role ? 1 : 0) ||
    (a.componentId ?? '').localeCompare(b.componentId ?? '') ||
    Number(a.hasComponents) - Number(b.hasComponents) ||
    (a.taxOf ?? '').localeCompare(b.taxOf ?? '')
  );
}

/** Builds the documents of one day-group. Returns problems instead when anything is unmapped. */
export function buildDay(
  ctx: BuildContext,
  date: string,
  t: DayTotals,
): { documents: SlotDocument[]; problems: AggregationProblem[] } {
  const cfg = ctx.configuration.configuration;
  const problems = new Map<string, AggregationProblem>();
  const group = t.group;
  const platform = ctx.platformName;

  const report = (code: SyncErrorCode, params: Record<string, string | number>, configPath: string | null, recordIds: string[]) => {
    const key = `${code}|${configPath ?? ''}|${JSON.stringify(params)}`;
    if (problems.has(key)) return;
    const full = { platform, date, ...params };
    problems.set(key, {
      code,
      date,
      group,
      message: formatCatalogMessage(ERROR_CATALOG[code].message, full),
      params: full,
      recordIds,
      configPath,
    });
  };
  for (const p of t.problems.values()) report(p.code, p.params, p.configPath, p.recordIds);

  const samples = (key: string): string[] => {
    const [type = '', value = ''] = key.split(/:(.*)/s);
    if (type === 'payment') return t.samples.get(key) ?? [];
    const ids = new Set<string>();
    for (const [slot, list] of t.slotSamples) {
      const s = ctx.slots[slot]!;
      const match = type === 'rate' ? (s.kind === 'sales' || s.kind === 'tax') && s.rateKey === value : s.componentId === value;
      if (match) for (const id of list) ids.add(id);
    }
    return [...ids].sort().slice(0, 5);
  };
  const account = (section: 'sales' | 'payments' | 'fees', key: string, sampleKey?: string): string => {
    const rows = section === 'sales' ? cfg?.sales?.accounts : section === 'payments' ? cfg?.payments?.accounts : cfg?.fees?.accounts;
    const row = rows?.[key];
    const path = `configuration.${section}.accounts.${key}`;
    const id = row?.selectedAccountId;
    const label = row?.labelText ?? ACCOUNT_LABELS[key] ?? PAYMENT_TYPE_NAMES[key] ?? key;
    const ids = sampleKey ? samples(sampleKey) : [];
    if (!id) {
      if (section === 'payments' && key !== 'payout') {
        report('payment_type_unmapped', { paymentType: PAYMENT_TYPE_NAMES[key] ?? key }, path, ids);
      } else {
        const where = section === 'sales' ? 'Sales' : section === 'payments' ? 'Payments' : 'Fees';
        report('configuration_invalid', { detail: `choose an account for ${label} under ${where}, then sync again.` }, path, ids);
      }
      return '';
    }
    const options = row.accountOptions;
    if (options && options.length > 0 && !options.some((o) => o.id === id)) {
      report('account_missing', { accountName: id, mapping: label }, path, ids);
    }
    return id;
  };
  // Unpaid sales and money for other days: the unpaid-sales clearing row, else `invoice`.
  const unpaidSales = (): string =>
    cfg?.payments?.accounts?.[UNPAID_SALES_ACCOUNT_KEY]?.selectedAccountId
      ? account('payments', UNPAID_SALES_ACCOUNT_KEY)
      : account('payments', 'invoice', 'payment:invoice');
  const optionType = (section: 'payments', key: string): string | null => {
    const row = cfg?.[section]?.accounts?.[key];
    return row?.accountOptions?.find((o) => o.id === row.selectedAccountId)?.type ?? null;
  };
  const taxRate = (rateKey: string, required: boolean): string | null => {
    const row = cfg?.sales?.taxRates?.[rateKey];
    const id = row?.selectedTaxRateId;
    const path = `configuration.sales.taxRates.${rateKey}`;
    if (!id) {
      if (required) report('tax_rate_unmapped', { taxRate: rateKey }, path, samples(`rate:${rateKey}`));
      return null;
    }
    const options = row.taxRateOptions;
    if (options && options.length > 0 && !options.some((o) => o.id === id)) {
      report('tax_rate_missing', { taxRate: rateKey }, path, samples(`rate:${rateKey}`));
    }
    return id;
  };
  const componentRate = (componentId: string): string | null => {
    const mapping = cfg?.sales?.newTaxRates?.taxRateMappings?.find((m) => m.selectedCommerceTaxRateIds?.includes(componentId));
    const id = mapping?.selectedAccountingTaxRateId;
    if (!id) {
      report('tax_rate_unmapped', { taxRate: ctx.componentName(componentId) }, 'configuration.sales.newTaxRates.taxRateMappings', samples(`component:${componentId}`));
      return null;
    }
    return id;
  };
  const zeroRate = (): string | null =>
    cfg?.sales?.newTaxRates?.selectedDefaultZeroTaxRateId ?? cfg?.sales?.taxRates?.['0']?.selectedTaxRateId ?? null;

  const refundAccountKey = cfg?.sales?.accounts?.refund?.selectedAccountId ? 'refund' : null;
  const invoiceMode = outputModeOf(cfg?.mapSettings) === 'Invoice';
  const syncPayments = cfg?.payments?.syncPayments ?? true;
  const syncFees = cfg?.fees?.syncFees ?? false;
  const cur = group.currency;
  const where = [group.locationId ? `location ${group.locationId}` : '', group.country ? `country ${group.country}` : ''].filter(Boolean).join(', ');
  const memo = (what: string) => `${what} ${date} ${cur}${where ? ` (${where})` : ''}`;
  const ref = (slot: string, qualifier?: string) =>
    documentReference({ companyId: ctx.companyId, date, group, kind: slot, revision: 0, ...(qualifier ? { qualifier } : {}) });
  const base = (slot: string, what: string, qualifier?: string) => ({
    reference: ref(slot, qualifier),
    companyId: ctx.companyId,
    date,
    currency: cur,
    group,
    revision: 0,
    adjusts: null,
    memo: memo(what),
  });

  const paymentKeys = new Set([...t.tenderIn.keys(), ...t.tenderOut.keys(), ...(syncFees ? [...t.fees.keys(), ...t.feeRefunds.keys()] : [])]);
  const sortedKeys = [...paymentKeys].sort();
  const documents: SlotDocument[] = [];

  /** Sales-side lines (shared by both modes): one entry per slot with its resolved account and rate. */
  interface Part {
    slot: SlotKey;
    amount: number;
    accountId: string;
    taxRateId: string | null;
    role: LineRole;
    description: string;
  }
  const describe = (s: SlotKey, refund: boolean): string => {
    const pct = s.rateKey === '' ? '' : ` ${s.rateKey}%`;
    const what =
      s.kind === 'tax'
        ? `Tax${s.componentId ? ` ${ctx.componentName(s.componentId)}` : pct}`
        : s.kind === 'gratuity'
          ? 'Gratuities'
          : s.kind === 'prepaid'
            ? 'Gift cards sold'
            : s.kind === 'rounding'
              ? 'Rounding'
              : `${s.role === 'shipping' ? 'Shipping' : s.role === 'serviceCharge' ? 'Service charges' : s.accountKey.startsWith('category:') ? `Sales (${s.accountKey.slice(9)})` : 'Sales'}${pct}`;
    return refund ? `Refunds: ${what}` : what;
  };
  const parts = (amounts: Map<number, number>, refund: boolean): Part[] => {
    const out: Part[] = [];
    const ordered = [...amounts].sort((a, b) => compareSlots(ctx.slots[a[0]]!, ctx.slots[b[0]]!));
    for (const [index, amount] of ordered) {
      if (amount === 0) continue;
      const s = ctx.slots[index]!;
      let accountId: string;
      let taxRateId: string | null = null;
      let role: LineRole;
      switch (s.kind) {
        case 'sales':
          accountId = account('sales', refund && refundAccountKey ? refundAccountKey : s.accountKey, `rate:${s.rateKey}`);
          taxRateId = taxRate(s.rateKey, !s.hasComponents) ?? (s.hasComponents ? zeroRate() : null);
          role = refund ? 'refund' : s.role === 'sales' ? 'sales' : s.role;
          break;
        case 'tax':
          // A tax component posts to its own row (`tax:<componentId>`) when chosen, else to `tax`.
          accountId = invoiceMode ? '' : account('sales', s.componentId && cfg?.sales?.accounts?.[taxComponentAccountKey(s.componentId)]?.selectedAccountId ? taxComponentAccountKey(s.componentId) : 'tax', `rate:${s.rateKey}`);
          taxRateId = s.componentId ? componentRate(s.componentId) : taxRate(s.rateKey, true);
          role = refund ? 'refundTax' : 'tax';
          break;
        case 'gratuity':
          accountId = account('sales', 'gratuity');
          taxRateId = zeroRate();
          role = 'gratuity';
          break;
        case 'prepaid':
          accountId = account('sales', 'prepaid');
          taxRateId = zeroRate();
          role = 'prepaid';
          break;
        default:
          accountId = account('sales', 'rounding');
          taxRateId = zeroRate();
          role = 'rounding';
      }
      out.push({ slot: s, amount, accountId, taxRateId, role, description: describe(s, refund) });
    }
    return out;
  };

  const sales = parts(t.amounts, false);
  const refunds = parts(t.refunds, true);

  const net = (m: Map<string, number>, k: string) => m.get(k) ?? 0;
  const feeAmount = (k: string) => (syncFees ? net(t.fees, k) : 0);
  const feeRefundAmount = (k: string) => (syncFees ? net(t.feeRefunds, k) : 0);
  const payoutKeys = [...t.payouts.keys()].filter((k) => t.payouts.get(k) !== 0).sort();

  if (!invoiceMode) {
    const lines = new Map<string, JournalLine>();
    const put = (accountId: string, amount: number, role: LineRole, description: string, taxRateId: string | null = null, taxRateKey: string | null = null) => {
      if (amount === 0) return;
      const key = `${accountId}|${role}|${taxRateId ?? ''}|${taxRateKey ?? ''}|${description}`;
      const line = lines.get(key);
      if (line) line.amount += amount;
      else lines.set(key, { accountId, amount, description, role, taxRateId, taxRateKey });
    };
    for (const k of sortedKeys) {
      const amount = net(t.tenderIn, k) - net(t.tenderOut, k) - feeAmount(k) + feeRefundAmount(k);
      if (amount !== 0) put(account('payments', k, `payment:${k}`), amount, 'payment', `${PAYMENT_TYPE_NAMES[k] ?? k} takings`);
    }
    const fees = sortedKeys.reduce((a, k) => a + feeAmount(k), 0);
    const feeRefunds = sortedKeys.reduce((a, k) => a + feeRefundAmount(k), 0);
    if (fees !== 0) put(account('fees', 'paymentFee'), fees, 'fee', 'Payment fees');
    const order: Record<string, number> = { sales: 0, shipping: 1, serviceCharge: 1, gratuity: 2, prepaid: 3, tax: 4, refund: 5, refundTax: 6, rounding: 8 };
    const byRole = (a: Part, b: Part) => (order[a.role] ?? 9) - (order[b.role] ?? 9);
    for (const p of [...sales].sort(byRole)) {
      put(p.accountId, -p.amount, p.role, p.description, p.taxRateId, p.slot.rateKey || null);
    }
    for (const p of [...refunds].sort(byRole)) {
      put(p.accountId, p.amount, p.role, p.description, p.taxRateId, p.slot.rateKey || null);
    }
    if (feeRefunds !== 0) {
      const key = cfg?.fees?.accounts?.paymentFeeRefund?.selectedAccountId ? 'paymentFeeRefund' : 'paymentFee';
      put(account('fees', key), -feeRefunds, 'feeRefund', 'Payment fee refunds');
    }
    const balance = [...lines.values()].reduce((a, l) => a + l.amount, 0);
    if (balance !== 0) {
      // Takings and sales of the day differ (pending or cross-midnight payments): keep it in
      // the unpaid-sales (invoice) account rather than forcing a payment type.
      put(unpaidSales(), -balance, 'payment', 'Sales not settled by payments of the day');
    }
    const journalLines = [...lines.values()].filter((l) => l.amount !== 0);
    if (journalLines.length > 0) {
      documents.push({ slot: ref('journal'), document: { ...base('journal', 'Daily sales summary'), kind: 'journal', appliesTo: null, lines: journalLines } });
    }
  } else {
    const status = cfg?.sales?.invoiceStatus?.selectedInvoiceStatus === 'Draft' ? 'Draft' : 'Submitted';
    const customer = (): string => {
      const id = cfg?.sales?.salesCustomer?.selectedCustomerId;
      if (!id) report('configuration_invalid', { detail: 'choose the customer daily sales are raised to under Sales, then sync again.' }, 'configuration.sales.salesCustomer.selectedCustomerId', []);
      return id ?? '';
    };
    const supplier = (): string => {
      const id = cfg?.fees?.feesSupplier?.selectedSupplierId;
      if (!id) report('configuration_invalid', { detail: 'choose the supplier payment fees are billed by under Fees, then sync again.' }, 'configuration.fees.feesSupplier.selectedSupplierId', []);
      return id ?? '';
    };
    const salesLines = (ps: Part[]): SalesLine[] => {
      const lines: SalesLine[] = [];
      const byKey = new Map<string, SalesLine>();
      const taxOnly = new Map<string, SalesLine>();
      let rounding = 0;
      let roundingAccount: string | null = null;
      for (const p of ps) {
        if (p.slot.kind === 'rounding') {
          rounding += p.amount;
          roundingAccount = p.accountId;
        } else if (p.slot.kind !== 'tax') {
          const line: SalesLine = { accountId: p.accountId, description: p.description, role: p.role, netAmount: p.amount, taxAmount: 0, taxRateId: p.taxRateId, taxRateKey: p.slot.kind === 'sales' ? p.slot.rateKey : null };
          lines.push(line);
          if (p.slot.kind === 'sales' && !p.slot.hasComponents) byKey.set(`${p.slot.accountKey}|${p.slot.rateKey}|${p.slot.role}`, line);
        }
      }
      for (const p of ps) {
        if (p.slot.kind !== 'tax') continue;
        const owner = p.slot.componentId ? undefined : byKey.get(`${p.slot.accountKey}|${p.slot.rateKey}|${p.slot.taxOf ?? 'sales'}`);
        if (owner) owner.taxAmount += p.amount;
        else {
          const accountKey = p.slot.accountKey;
          const accountId = account('sales', accountKey === 'prepaid' ? 'prepaid' : refundAccountKey && p.role === 'refundTax' ? refundAccountKey : accountKey);
          // One tax line per component and rate, whichever sales line (goods, charge) it came from.
          const key = `${accountId}|${p.role}|${p.taxRateId ?? ''}|${p.slot.rateKey}|${p.description}`;
          const same = taxOnly.get(key);
          if (same) same.taxAmount += p.amount;
          else {
            const line: SalesLine = { accountId, description: p.description, role: p.role, netAmount: 0, taxAmount: p.amount, taxRateId: p.taxRateId, taxRateKey: p.slot.rateKey };
            taxOnly.set(key, line);
            lines.push(line);
          }
        }
      }
      // Each line carries the commerce tax of its own amounts, exactly as sent: both ledgers
      // accept a line TaxAmount that differs from their own per-line figure (Xero LineItem
      // TaxAmount, QuickBooks TxnTaxDetail.TotalTax), and the VAT/GST return must hold the tax
      // charged. Rounding is only the orders' own sub-cent residue (the `rounding` slot).
      if (rounding !== 0) {
        lines.push({ accountId: roundingAccount ?? account('sales', 'rounding'), description: 'Rounding', role: 'rounding', netAmount: rounding, taxAmount: 0, taxRateId: zeroRate(), taxRateKey: null });
      }
      return lines.filter((l) => l.netAmount !== 0 || l.taxAmount !== 0);
    };
    const total = (lines: SalesLine[]) => lines.reduce((a, l) => a + l.netAmount + l.taxAmount, 0);
    const negate = (lines: SalesLine[]) => lines.map((l) => ({ ...l, netAmount: -l.netAmount, taxAmount: -l.taxAmount }));

    const inTargets: { reference: string; open: number }[] = [];
    const outTargets: { reference: string; open: number; slot: string }[] = [];
    const saleLines = salesLines(sales);
    if (saleLines.length > 0) {
      const sum = total(saleLines);
      const b = base('sales', 'Daily sales');
      if (sum >= 0) {
        documents.push({ slot: ref('sales'), document: { ...b, kind: 'invoice', appliesTo: null, contactId: customer(), status, lines: saleLines, total: sum } });
        inTargets.push({ reference: b.reference, open: sum });
      } else {
        // A negative day can never be an invoice: the ledger gets a credit note instead.
        documents.push({ slot: ref('sales'), document: { ...b, kind: 'creditNote', appliesTo: null, contactId: customer(), status, lines: negate(saleLines), total: -sum } });
        outTargets.push({ reference: b.reference, open: -sum, slot: 'sales' });
      }
    }
    const refundLines = salesLines(refunds);
    if (refundLines.length > 0) {
      const sum = total(refundLines);
      const b = base('refunds', 'Daily refunds');
      if (sum >= 0) {
        documents.push({ slot: ref('refunds'), document: { ...b, kind: 'creditNote', appliesTo: null, contactId: customer(), status, lines: refundLines, total: sum } });
        outTargets.push({ reference: b.reference, open: sum, slot: 'refunds' });
      } else {
        documents.push({ slot: ref('refunds'), document: { ...b, kind: 'invoice', appliesTo: null, contactId: customer(), status, lines: negate(refundLines), total: -sum } });
        inTargets.push({ reference: b.reference, open: -sum });
      }
    }
    const clearingJournal = (otherDays: Map<string, number>) => {
      const keys = [...otherDays.keys()].filter((k) => otherDays.get(k) !== 0).sort();
      if (keys.length === 0) return;
      const unpaid = unpaidSales();
      const lines = new Map<string, JournalLine>();
      const put = (accountId: string, amount: number, description: string) => {
        const line = lines.get(accountId);
        if (line) line.amount += amount;
        else lines.set(accountId, { accountId, amount, description, role: 'payment', taxRateId: null, taxRateKey: null });
      };
      let sum = 0;
      for (const k of keys) {
        const amount = otherDays.get(k)!;
        sum += amount;
        put(account('payments', k, `payment:${k}`), amount, `${PAYMENT_TYPE_NAMES[k] ?? k} money for sales or refunds of other days`);
      }
      put(unpaid, -sum, 'Unpaid sales settled by money of this day');
      const journalLines = [...lines.values()].filter((l) => l.amount !== 0);
      if (journalLines.length < 2) return;
      documents.push({ slot: ref('clearing'), document: { ...base('clearing', 'Money for sales of other days'), kind: 'journal', appliesTo: null, lines: journalLines } });
    };
    if (syncPayments) {
      const settle = (direction: 'received' | 'refunded', amounts: Map<string, number>, targets: { reference: string; open: number }[]) => {
        for (const k of sortedKeys) {
          let left = net(amounts, k);
          if (left === 0) continue;
          const accountId = account('payments', k, `payment:${k}`);
          for (const target of targets) {
            if (left === 0) break;
            const amount = Math.min(left, target.open);
            if (amount <= 0) continue;
            target.open -= amount;
            left -= amount;
            const slotName = target.reference === ref('sales') ? 'sales' : 'refunds';
            const qualifier = `${direction}:${k}:${slotName}`;
            documents.push({
              slot: ref('payment', qualifier),
              document: { ...base('payment', direction === 'received' ? `${PAYMENT_TYPE_NAMES[k] ?? k} payments` : `${PAYMENT_TYPE_NAMES[k] ?? k} refunds`, qualifier), kind: 'payment', direction, accountId, paymentTypeKey: k, amount, appliesTo: target.reference },
            });
          }
          if (left > 0) otherDays.set(k, (otherDays.get(k) ?? 0) + (direction === 'received' ? left : -left));
        }
      };
      // Money of the day beyond the day's own documents (a payment just after midnight for the
      // previous day's sale, refund money on another day than its credit note) cannot apply to
      // a document of this day: a clearing journal moves it between the payment type's account
      // and the unpaid-sales (`invoice`) account, as journal mode does, so the day still posts.
      const otherDays = new Map<string, number>();
      settle('received', t.tenderIn, inTargets);
      settle('refunded', t.tenderOut, outTargets);
      clearingJournal(otherDays);
    }
    if (syncFees) {
      const feeDocs = (kind: 'fees' | 'feeRefunds', amounts: Map<string, number>) => {
        const keys = [...amounts.keys()].filter((k) => amounts.get(k) !== 0).sort();
        if (keys.length === 0) return;
        const feeKey = kind === 'feeRefunds' && cfg?.fees?.accounts?.paymentFeeRefund?.selectedAccountId ? 'paymentFeeRefund' : 'paymentFee';
        const feeAccount = account('fees', feeKey);
        const role: LineRole = kind === 'fees' ? 'fee' : 'feeRefund';
        const billKeys: string[] = [];
        for (const k of keys) {
          const amount = amounts.get(k)!;
          const clearing = account('payments', k, `payment:${k}`);
          const line: SalesLine = { accountId: feeAccount, description: `${kind === 'fees' ? 'Payment fees' : 'Payment fee refunds'} (${PAYMENT_TYPE_NAMES[k] ?? k})`, role, netAmount: amount, taxAmount: 0, taxRateId: null, taxRateKey: null };
          if (optionType('payments', k) === 'BANK' && amount > 0) {
            // Fees taken straight from a bank-type clearing account are spend/receive money, not bills.
            const b = base(kind === 'fees' ? 'feeSpend' : 'feeReceive', kind === 'fees' ? 'Payment fees' : 'Payment fee refunds', k);
            documents.push({ slot: b.reference, document: { ...b, kind: 'bankTransaction', appliesTo: null, type: kind === 'fees' ? 'spend' : 'receive', bankAccountId: clearing, contactId: cfg?.fees?.feesSupplier?.selectedSupplierId ?? null, lines: [line], total: amount } });
          } else billKeys.push(k);
        }
        if (billKeys.length === 0) return;
        const lines: SalesLine[] = billKeys.map((k) => ({ accountId: feeAccount, description: `${kind === 'fees' ? 'Payment fees' : 'Payment fee refunds'} (${PAYMENT_TYPE_NAMES[k] ?? k})`, role, netAmount: amounts.get(k)!, taxAmount: 0, taxRateId: null, taxRateKey: null }));
        const sum = total(lines);
        const b = base(kind, kind === 'fees' ? 'Payment fees' : 'Payment fee refunds');
        const positive = sum >= 0;
        const docKind = (kind === 'fees') === positive ? 'bill' : 'billCreditNote';
        documents.push({ slot: b.reference, document: { ...b, kind: docKind, appliesTo: null, contactId: supplier(), status, lines: positive ? lines : negate(lines), total: Math.abs(sum) } });
        if (!syncPayments) return;
        for (const k of billKeys) {
          const amount = amounts.get(k)!;
          if (amount <= 0) continue;
          const direction = docKind === 'bill' ? 'paid' : 'refundReceived';
          const qualifier = `${direction}:${k}`;
          documents.push({ slot: ref('payment', qualifier), document: { ...base('payment', kind === 'fees' ? 'Payment fees paid' : 'Payment fee refunds received', qualifier), kind: 'payment', direction, accountId: account('payments', k, `payment:${k}`), paymentTypeKey: k, amount, appliesTo: b.reference } });
        }
      };
      feeDocs('fees', t.fees);
      feeDocs('feeRefunds', t.feeRefunds);
    }
  }

  // Payouts as deposits (default): one bank document per payout, of the amount the bank receives.
  if ((syncPayments || !invoiceMode) && cfg?.payments?.payoutsAsDeposits !== false) {
    const byKeyThenId = (a: { key: string; id: string }, b: { key: string; id: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    for (const p of [...t.payoutItems].sort(byKeyThenId)) {
      const clearing = account('payments', p.key, `payment:${p.key}`);
      const bank = account('payments', 'payout');
      const qualifier = `${p.key}:${p.id}`;
      const b = base('payout', `${PAYMENT_TYPE_NAMES[p.key] ?? p.key} ${p.amount > 0 ? 'payout' : 'failed payout'} ${p.id}`, qualifier);
      documents.push({
        slot: b.reference,
        document: { ...b, kind: 'transfer', appliesTo: null, fromAccountId: p.amount > 0 ? clearing : bank, toAccountId: p.amount > 0 ? bank : clearing, amount: Math.abs(p.amount) },
      });
    }
  } else if (syncPayments || !invoiceMode) {
    for (const k of payoutKeys) {
      const amount = t.payouts.get(k)!;
      const clearing = account('payments', k, `payment:${k}`);
      const bank = account('payments', 'payout');
      const b = base('payout', `${PAYMENT_TYPE_NAMES[k] ?? k} payouts`, k);
      documents.push({
        slot: b.reference,
        document: { ...b, kind: 'transfer', appliesTo: null, fromAccountId: amount > 0 ? clearing : bank, toAccountId: amount > 0 ? bank : clearing, amount: Math.abs(amount) },
      });
    }
  }

  if (problems.size > 0) return { documents: [], problems: [...problems.values()] };
  return { documents, problems: [] };
}
