import { readFileSync } from 'node:fs';
import { aggregate } from '../../src/aggregation/index.js';
import type { Order, Payment, Product, TaxComponent, Transaction } from '../../src/contract/commerce.js';
import type { AccountingDocument } from '../../src/contract/documents.js';
import { fromMinor } from '../../src/contract/money.js';
import type { SandboxTaxReport } from '../../src/platforms/sandbox/tax-report.js';
import { buildConfiguration, buildOrder, buildPayment, buildTransaction, CA_COMPONENTS } from '../fixtures/index.js';
import { BASE, connect, contextFor, newSandbox } from '../platforms/sandbox/helpers.js';
import { modelBooks } from './ledger-model.js';
import { modelChart } from './through-service.js';

/**
 * The README's "Aggregation" worked examples, checked exactly as written: each ```text block
 * starting `example: <id>` is parsed from README.md, the records its paragraph describes are
 * built below (one scenario per id), synced in each listed mode to a fresh sandbox ledger
 * (aggregate, then the sandbox connector over HTTP, a second step for edits), and every line of
 * the block must hold: a day's net movement per account (every account that moved that day is
 * listed), the ledger's tax report for that day, or the kinds of that day's documents. The
 * same records also go through the independent model, which must give the same books.
 */

interface Records {
  orders: Order[];
  payments: Payment[];
  transactions: Transaction[];
  products?: Product[];
  taxComponents?: TaxComponent[];
}

interface Scenario {
  template: 'uk' | 'ca';
  modes?: ('JournalEntry' | 'Invoice')[];
  /** Records synced first, then (when given) the records as re-sent later, synced again. */
  steps: Records[];
}

const at = (date: string, time = '12:00:00') => `2026-03-${date}T${time}Z`;
const LATER = '2026-03-20T09:00:00Z';
const twelve = (id: string, extra: Partial<Order> = {}) => buildOrder({ id, createdDate: at('10'), ...extra });
const tipped = () => twelve('o-tip', { totalAmount: 12, totalGratuity: 1 });
const records = (r: Partial<Records>): Records => ({ orders: [], payments: [], transactions: [], ...r });

const COMPONENTS: TaxComponent[] = Object.values(CA_COMPONENTS).map((c) => ({ id: c.id, name: c.name, rate: c.rate, isCompound: false, modifiedDate: at('01'), sourceModifiedDate: at('01') }));

const SCENARIOS: Record<string, Scenario> = {
  'line-tax': {
    template: 'uk',
    steps: [records({
      orders: [twelve('o-1', { totalAmount: 13.2, totalTaxAmount: 2.2, serviceCharges: [{ type: 'Generic', quantity: 1, taxPercentage: 20, totalAmount: 1.2, taxAmount: 0.2 }] })],
      payments: [buildPayment({ id: 'p-1', amount: 13.2, createdDate: at('10') })],
    })],
  },
  'tax-as-charged': {
    template: 'uk',
    steps: [records({
      orders: ['a', 'b', 'c'].map((k) => twelve(`o-${k}`, { totalAmount: 1.21, totalTaxAmount: 0.2, orderLineItems: [{ quantity: 1, unitPrice: 1.01, taxPercentage: 20, totalAmount: 1.21, totalTaxAmount: 0.2 }] })),
      payments: ['a', 'b', 'c'].map((k) => buildPayment({ id: `p-${k}`, type: 'Cash', amount: 1.21, createdDate: at('10') })),
    })],
  },
  midnight: {
    template: 'uk',
    steps: [records({
      orders: [
        twelve('o-late', { createdDate: at('10', '23:59:50') }),
        buildOrder({ id: 'o-cash', createdDate: at('11'), totalAmount: 6, totalTaxAmount: 1, orderLineItems: [{ quantity: 1, unitPrice: 5, taxPercentage: 20, totalAmount: 6, totalTaxAmount: 1 }] }),
      ],
      payments: [buildPayment({ id: 'p-late', amount: 12, createdDate: at('11', '00:00:10') }), buildPayment({ id: 'p-cash', type: 'Cash', amount: 6, createdDate: at('11') })],
    })],
  },
  'refund-transaction': {
    template: 'uk',
    steps: [records({
      orders: [tipped()],
      payments: [buildPayment({ id: 'p-tip', amount: 13, createdDate: at('10') }), buildPayment({ id: 'r-tip', amount: -13, createdDate: at('11') })],
      transactions: [buildTransaction({ id: 'r-tip', type: 'Refund', totalAmount: -13, subType: 'Card', transactionSourceRef: { id: 'o-tip', type: 'Order' }, createdDate: at('11') })],
    })],
  },
  'return-order': {
    template: 'uk',
    steps: [records({
      orders: [
        tipped(),
        buildOrder({ id: 'o-return', createdDate: at('11'), totalAmount: -12, totalRefund: -12, totalTaxAmount: -2, totalGratuity: -1, orderLineItems: [{ quantity: -1, unitPrice: 10, taxPercentage: 20, totalAmount: -12, totalTaxAmount: -2 }] }),
      ],
      payments: [buildPayment({ id: 'p-tip', amount: 13, createdDate: at('10') }), buildPayment({ id: 'p-return', amount: -13, createdDate: at('11') })],
    })],
  },
  'refund-beyond-order': {
    template: 'uk',
    steps: [records({
      orders: [tipped()],
      payments: [buildPayment({ id: 'p-tip', amount: 13, createdDate: at('10') }), buildPayment({ id: 'r-tip', amount: -14, createdDate: at('11') })],
      transactions: [buildTransaction({ id: 'r-tip', type: 'Refund', totalAmount: -14, subType: 'Card', transactionSourceRef: { id: 'o-tip', type: 'Order' }, createdDate: at('11') })],
    })],
  },
  components: {
    template: 'ca',
    steps: [records({
      orders: [twelve('o-bc', { currency: 'CAD', createdDate: at('10', '20:00:00'), totalAmount: 11.2, totalTaxAmount: 1.2, orderLineItems: [{ quantity: 1, unitPrice: 10, taxPercentage: 12, totalAmount: 11.2, totalTaxAmount: 1.2, taxes: [{ taxComponentRef: { id: CA_COMPONENTS.gst.id }, taxAmount: 0.5 }, { taxComponentRef: { id: CA_COMPONENTS.pst.id }, taxAmount: 0.7 }] }] })],
      payments: [buildPayment({ id: 'p-bc', currency: 'CAD', amount: 11.2, createdDate: at('10', '20:00:00') })],
      taxComponents: COMPONENTS,
    })],
  },
  payouts: {
    template: 'uk',
    steps: [records({
      orders: [twelve('o-12'), twelve('o-30', { totalAmount: 30, totalTaxAmount: 5, orderLineItems: [{ quantity: 1, unitPrice: 25, taxPercentage: 20, totalAmount: 30, totalTaxAmount: 5 }] })],
      payments: [buildPayment({ id: 'p-12', amount: 12, createdDate: at('10') }), buildPayment({ id: 'p-30', amount: 30, createdDate: at('10') })],
      transactions: [
        buildTransaction({ id: 'fee-12', type: 'PaymentFee', totalAmount: -0.21, subType: 'Card', transactionSourceRef: { id: 'p-12', type: 'Payment' }, createdDate: at('10') }),
        buildTransaction({ id: 'fee-30', type: 'PaymentFee', totalAmount: -0.21, subType: 'Card', transactionSourceRef: { id: 'p-30', type: 'Payment' }, createdDate: at('10') }),
        buildTransaction({ id: 'po-1', type: 'Payout', totalAmount: -20, subType: 'Card', transactionSourceRef: null, createdDate: at('11', '06:00:00') }),
        buildTransaction({ id: 'po-2', type: 'Payout', totalAmount: -21.58, subType: 'Card', transactionSourceRef: null, createdDate: at('11', '07:00:00') }),
      ],
    })],
  },
  'adjust-increase': {
    template: 'uk',
    steps: [
      records({ orders: [twelve('o-1')], payments: [buildPayment({ id: 'p-1', amount: 12, createdDate: at('10') })] }),
      records({
        orders: [twelve('o-1', { totalAmount: 14.4, totalTaxAmount: 2.4, sourceModifiedDate: LATER, orderLineItems: [{ quantity: 1, unitPrice: 10, taxPercentage: 20, totalAmount: 12, totalTaxAmount: 2 }, { quantity: 1, unitPrice: 2, taxPercentage: 20, totalAmount: 2.4, totalTaxAmount: 0.4 }] })],
        payments: [buildPayment({ id: 'p-1', amount: 14.4, createdDate: at('10'), sourceModifiedDate: LATER })],
      }),
    ],
  },
  'adjust-move': {
    template: 'uk',
    steps: [
      records({ orders: [twelve('o-1')], payments: [buildPayment({ id: 'p-1', amount: 12, createdDate: at('10') })] }),
      records({ orders: [twelve('o-1')], payments: [buildPayment({ id: 'p-1', amount: 12, type: 'Cash', createdDate: at('10'), sourceModifiedDate: LATER })] }),
    ],
  },
  'custom-amount': {
    template: 'uk',
    steps: [records({ orders: [twelve('o-1', { orderLineItems: [] })], payments: [buildPayment({ id: 'p-1', amount: 12, createdDate: at('10') })] })],
  },
};

/** One parsed example block. */
interface Example {
  id: string;
  books: Map<string, Map<string, number>>;
  taxReports: Map<string, { rate: string; net?: number; tax: number }[]>;
  documents: { mode: 'JournalEntry' | 'Invoice'; date: string; kinds: string[] }[];
}

const cents = (text: string) => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(text);
  if (!m) throw new Error(`README amount ${text} is not d.dd`);
  return (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]));
};

function parseReadme(): Example[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```text\n(example: [^\n]+\n[\s\S]*?)```/g)].map((m) => m[1]!.trimEnd().split('\n'));
  return blocks.map((lines) => {
    const ex: Example = { id: lines[0]!.slice('example: '.length).trim(), books: new Map(), taxReports: new Map(), documents: [] };
    for (const line of lines.slice(1)) {
      let m: RegExpExecArray | null;
      if ((m = /^(\d{4}-\d{2}-\d{2}) {2}(.+)$/.exec(line))) {
        const day = new Map<string, number>();
        for (const part of m[2]!.split(' · ')) {
          const p = /^(Dr|Cr) (.+) (-?\d+\.\d{2})$/.exec(part);
          if (!p) throw new Error(`${ex.id}: cannot read "${part}"`);
          day.set(p[2]!, (p[1] === 'Dr' ? 1 : -1) * cents(p[3]!));
        }
        ex.books.set(m[1]!, day);
      } else if ((m = /^tax report (\d{4}-\d{2}-\d{2}): (.+)$/.exec(line))) {
        ex.taxReports.set(m[1]!, m[2]!.split(' · ').map((part) => {
          const p = /^(.+?)(?: net (-?\d+\.\d{2}))? tax (-?\d+\.\d{2})$/.exec(part);
          if (!p) throw new Error(`${ex.id}: cannot read "${part}"`);
          return { rate: p[1]!, ...(p[2] ? { net: cents(p[2]) } : {}), tax: cents(p[3]!) };
        }));
      } else if ((m = /^(journal|invoice) documents (\d{4}-\d{2}-\d{2}): (.+)$/.exec(line))) {
        ex.documents.push({ mode: m[1] === 'journal' ? 'JournalEntry' : 'Invoice', date: m[2]!, kinds: m[3]!.split(', ').sort() });
      } else {
        throw new Error(`${ex.id}: unknown example line "${line}"`);
      }
    }
    return ex;
  });
}

/** Syncs each step's records to a fresh sandbox ledger; returns the ledger's documents and a tax-report reader. */
async function syncToSandbox(scenario: Scenario, mode: 'JournalEntry' | 'Invoice') {
  const { sandbox } = newSandbox();
  const tokens = await connect(sandbox, scenario.template);
  const ctx = contextFor(tokens);
  const configuration = buildConfiguration({ template: scenario.template, outputFormat: mode });
  if (scenario.template === 'ca') {
    // Each component's own tax row, as the sync service fills it by default: its rate's account.
    const accounts = configuration.configuration!.sales!.accounts!;
    const options = [...(accounts.tax?.accountOptions ?? []), { id: 'acc-825', name: 'PST payable', classification: 'Liability', type: 'CURRLIAB' }];
    accounts[`tax:${CA_COMPONENTS.gst.id}`] = { required: false, selectedAccountId: 'acc-820', accountOptions: options };
    accounts[`tax:${CA_COMPONENTS.pst.id}`] = { required: false, selectedAccountId: 'acc-825', accountOptions: options };
  }
  const period = { start: '2026-03-09', end: '2026-03-13' };
  const posted: AccountingDocument[] = [];
  const related: Record<string, string> = {};
  let current: Records = records({});
  for (const step of scenario.steps) {
    const byId = <T extends { id: string }>(a: readonly T[], b: readonly T[]) => [...a.filter((x) => !b.some((y) => y.id === x.id)), ...b];
    current = { ...step, orders: byId(current.orders, step.orders), payments: byId(current.payments, step.payments), transactions: byId(current.transactions, step.transactions) };
    const { documents, problems } = aggregate({ companyId: 'co-readme', configuration, period, records: current, posted: [...posted] });
    expect(problems).toEqual([]);
    for (const doc of documents) {
      const result = await sandbox.connector.writeDocument(ctx, doc, { idempotencyKey: doc.reference, related: { ...related } });
      related[doc.reference] = result.platformId;
      posted.push(doc);
    }
  }
  const ledgerId = sandbox.admin.listLedgers()[0]!.id;
  const written = sandbox.admin.documents(ledgerId);
  const taxReport = async (date: string) => {
    const response = await sandbox.handler(new Request(`${BASE}/api/tax-report?from=${date}&to=${date}`, { headers: { authorization: `Bearer ${tokens.accessToken}` } }));
    return (await response.json()) as SandboxTaxReport;
  };
  return { written, taxReport, final: current, close: () => sandbox.close() };
}

const examples = parseReadme();

describe('README "Aggregation" worked examples, exactly as written', () => {
  it('every example block has its scenario here, and every scenario its block', () => {
    expect(examples.map((e) => e.id).sort()).toEqual(Object.keys(SCENARIOS).sort());
  });

  describe.each(examples.map((e) => [e.id, e] as const))('%s', (id, example) => {
    const scenario = SCENARIOS[id]!;
    it.each(scenario.modes ?? (['JournalEntry', 'Invoice'] as const))('%s mode: the books, tax report and documents the README states', async (mode) => {
      const { written, taxReport, final, close } = await syncToSandbox(scenario, mode);
      try {
        const names = new Map<string, string>();
        const books = new Map<string, Map<string, number>>();
        for (const d of written) {
          const day = books.get(d.date) ?? new Map<string, number>();
          books.set(d.date, day);
          for (const p of d.postings) {
            names.set(p.accountId, p.accountName);
            day.set(p.accountName, (day.get(p.accountName) ?? 0) + p.debit - p.credit);
          }
        }
        const moved = (day: Map<string, number> | undefined) => Object.fromEntries([...(day ?? [])].filter(([, v]) => v !== 0).sort());
        for (const [date, want] of example.books) expect(moved(books.get(date)), `${id} ${mode} ${date}`).toEqual(moved(want));

        // The independent model agrees with the hand-worked figures.
        const chart = modelChart(scenario.template, scenario.template === 'ca' ? 'America/Vancouver' : 'Europe/London');
        const model = modelBooks(final, chart, { start: '2026-03-09', end: '2026-03-13' });
        for (const [date, want] of example.books) {
          const day = new Map<string, number>();
          for (const [key, v] of model.accounts) {
            const [d, , account] = key.split('|') as [string, string, string];
            if (d === date) day.set(names.get(account) ?? account, v);
          }
          expect(moved(day), `model ${id} ${date}`).toEqual(moved(want));
        }

        for (const [date, rows] of example.taxReports) {
          const report = await taxReport(date);
          const rates = report.sections.flatMap((s) => s.rates);
          for (const row of rows) {
            const r = rates.find((x) => x.name === row.rate);
            expect(r, `${id} ${mode}: tax report has ${row.rate}`).toBeDefined();
            expect({ tax: fromMinor(r!.sales.tax, 'GBP'), ...(row.net !== undefined ? { net: fromMinor(r!.sales.net, 'GBP') } : {}) }, `${id} ${mode} ${date} ${row.rate}`).toEqual({ tax: fromMinor(row.tax, 'GBP'), ...(row.net !== undefined ? { net: fromMinor(row.net, 'GBP') } : {}) });
          }
        }
        for (const want of example.documents.filter((d) => d.mode === mode)) {
          expect(written.filter((d) => d.date === want.date).map((d) => d.kind).sort(), `${id} ${mode} ${want.date} documents`).toEqual(want.kinds);
        }
      } finally {
        close();
      }
    });
  });
});
