/**
 * Suggested mappings: for each mapping row, the ledger account (or tax rate) a bookkeeper would
 * most likely pick, read from the chart the configuration already carries (name, code, class,
 * the ledger's own type) and the platform's known defaults (Xero's 200 Sales, 820 VAT, 090 bank,
 * 404 fees, 860 rounding; QuickBooks' Undeposited Funds and Sales of Product Income; the
 * sandbox's chart). A suggestion is only ever proposed: the widget shows it and the merchant
 * accepts it; nothing here selects or saves.
 *
 * One rule for every side: pure, no schema library, imported by the widget.
 */
import type { AccountOption, Option } from './configuration.js';

/** What one mapping row is for, as the rules read it: its section and its key. */
export interface SuggestionRow {
  section: 'sales' | 'payments' | 'fees';
  key: string;
}

interface AccountRule {
  /** Account classes the row may take (an option without a class is not excluded). */
  classes: readonly string[];
  /** Whole names (normalized) that are the account for this row: +100. */
  exact?: readonly string[];
  /** Phrases and their weight: each word of a phrase must begin a word of the name. */
  words?: readonly (readonly [phrase: string, weight: number])[];
  /** Phrases that make an account wrong for this row: −60 each. */
  avoid?: readonly string[];
  /** Bonus when the ledger's own type says it is a bank account. */
  bank?: number;
  /** The platform's default account code for the row: +60. */
  codes?: Readonly<Partial<Record<string, string>>>;
}

/** The lowest score worth proposing; below it the row stays empty. */
const THRESHOLD = 40;

const FEE_WORDS = [
  ['merchant fee', 80],
  ['card fee', 80],
  ['processing fee', 80],
  ['bank fee', 60],
  ['bank charge', 60],
  ['fee', 50],
] as const;
const CARD_WORDS = [
  ['card clearing', 100],
  ['card', 30],
  ['clearing', 20],
  // QuickBooks' default holding account for received payments.
  ['undeposited', 40],
] as const;
const XERO_AND_SANDBOX = (code: string) => ({ xero: code, sandbox: code });

const ACCOUNT_RULES: Readonly<Record<SuggestionRow['section'], Readonly<Record<string, AccountRule>>>> = {
  sales: {
    sales: {
      classes: ['Income'],
      exact: ['sales', 'sales revenue', 'revenue', 'sales of product income'],
      words: [['sales', 50]],
      avoid: ['old', 'shipping', 'delivery', 'interest', 'other', 'refund', 'discount'],
      codes: XERO_AND_SANDBOX('200'),
    },
    refund: { classes: ['Income'], words: [['refund', 60], ['returns', 60]] },
    shipping: { classes: ['Income'], words: [['shipping', 60], ['delivery', 60], ['postage', 60]] },
    tax: {
      classes: ['Liability'],
      exact: ['vat', 'vat payable', 'vat control', 'sales tax payable', 'gst hst payable', 'gst payable', 'tax payable'],
      words: [['vat', 60], ['gst', 60], ['sales tax', 60], ['tax payable', 40]],
      codes: XERO_AND_SANDBOX('820'),
    },
    rounding: { classes: ['Expense', 'Income'], words: [['rounding', 100]], codes: { xero: '860', sandbox: '405' } },
    gratuity: { classes: ['Income', 'Liability'], exact: ['gratuities', 'gratuity', 'tips'], words: [['gratuit', 80], ['tip', 60]] },
    prepaid: { classes: ['Liability'], words: [['gift card', 80], ['prepaid', 50], ['voucher', 50]], avoid: ['redemption'] },
  },
  payments: {
    card: { classes: ['Asset'], words: CARD_WORDS, avoid: ['cash', 'paypal', 'savings', 'fee', 'online'], codes: { sandbox: '091' } },
    onlineCard: { classes: ['Asset'], words: [['online card', 60], ...CARD_WORDS], avoid: ['cash', 'paypal', 'savings', 'fee'] },
    cash: { classes: ['Asset'], words: [['cash', 80], ['till', 50], ['undeposited', 40]], avoid: ['card', 'paypal', 'savings', 'fee'], codes: { sandbox: '092' } },
    paypal: { classes: ['Asset'], words: [['paypal', 100]], avoid: ['fee'], codes: { sandbox: '093' } },
    swish: { classes: ['Asset'], words: [['swish', 100]], avoid: ['fee'] },
    vipps: { classes: ['Asset'], words: [['vipps', 100]], avoid: ['fee'] },
    mobile: { classes: ['Asset'], words: [['mobile', 80]], avoid: ['fee'] },
    invoice: { classes: ['Asset'], words: [['receivable', 80], ['debtors', 80]] },
    storeCredit: { classes: ['Liability'], words: [['store credit', 100]] },
    payout: {
      classes: ['Asset'],
      bank: 40,
      words: [['bank', 30], ['checking', 30], ['current', 20], ['business', 10]],
      avoid: ['clearing', 'savings', 'undeposited', 'fee', 'cash', 'till'],
      codes: XERO_AND_SANDBOX('090'),
    },
    // Gift card redemptions must not land on the gift card liability (a configuration rule), and
    // "custom"/"unknown" say nothing about where the money goes: no suggestion.
  },
  fees: {
    paymentFee: { classes: ['Expense'], words: FEE_WORDS, avoid: ['refund'], codes: XERO_AND_SANDBOX('404') },
    // A fee refund account when the chart has one; else the fee account (a refund reduces the expense).
    paymentFeeRefund: { classes: ['Expense', 'Income'], words: [['fee refund', 100], ...FEE_WORDS], codes: XERO_AND_SANDBOX('404') },
  },
};

/** Lower-case words of a name, accents and punctuation removed ("GST/HST payable" → gst hst payable). */
function wordsOf(name: string): string[] {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}.]+/u)
    .map((w) => w.replace(/^\.+|\.+$/g, ''))
    .filter(Boolean);
}

function hasPhrase(words: readonly string[], phrase: string): boolean {
  return phrase.split(' ').every((part) => words.some((w) => w.startsWith(part)));
}

/** The platform a key names, as the rules know it (`quickbooks-online` → quickbooks). */
function platformFamily(platformKey: string | null | undefined): string | null {
  if (!platformKey) return null;
  if (platformKey.startsWith('quickbooks')) return 'quickbooks';
  if (platformKey.startsWith('xero')) return 'xero';
  if (platformKey.startsWith('sandbox')) return 'sandbox';
  return platformKey;
}

/** The only best-scoring id at or above the threshold; a tie proposes nothing (a guess is worse than a blank). */
function best<T extends { id: string }>(scored: readonly (readonly [T, number])[]): T | null {
  let top: T | null = null;
  let topScore = -Infinity;
  let tied = false;
  for (const [item, score] of scored) {
    if (score > topScore) [top, topScore, tied] = [item, score, false];
    else if (score === topScore) tied = true;
  }
  return top && topScore >= THRESHOLD && !tied ? top : null;
}

/**
 * The account to propose for a mapping row, or `null` when no option is a clear match.
 *
 * @example
 * suggestAccount({ section: 'sales', key: 'sales' }, options, 'xero') // → the option coded 200 "Sales"
 */
export function suggestAccount(row: SuggestionRow, options: readonly AccountOption[], platformKey?: string | null): AccountOption | null {
  const rule = ACCOUNT_RULES[row.section][row.key];
  if (!rule) return null;
  const family = platformFamily(platformKey);
  const defaultCode = family ? rule.codes?.[family] : undefined;
  const scored = options
    .filter((o) => !o.classification || rule.classes.includes(o.classification))
    .map((o) => {
      const words = wordsOf(o.name ?? '');
      let score = 0;
      if (rule.exact?.includes(words.join(' '))) score += 100;
      for (const [phrase, weight] of rule.words ?? []) if (hasPhrase(words, phrase)) score += weight;
      for (const phrase of rule.avoid ?? []) if (hasPhrase(words, phrase)) score -= 60;
      if (rule.bank && /^bank$/i.test(o.type ?? '')) score += rule.bank;
      if (defaultCode && o.nominalCode === defaultCode) score += 60;
      return [o, score] as const;
    });
  return best(scored);
}

/** Rates a name shows, as numbers ("20.0% S" → 20; "GST (5%)" → 5). */
function ratesShown(name: string): number[] {
  return [...name.matchAll(/(\d+(?:[.,]\d+)?)\s*%/g)].map((m) => Number(m[1]!.replace(',', '.')));
}

const SALES_SIDE = ['sales', 'output', 'income', 'standard'];
const PURCHASE_SIDE = ['purchase', 'expense', 'input', 'reverse'];

function sideScore(words: readonly string[]): number {
  let score = 0;
  if (SALES_SIDE.some((w) => hasPhrase(words, w))) score += 20;
  if (PURCHASE_SIDE.some((w) => hasPhrase(words, w))) score -= 40;
  return score;
}

/**
 * The ledger tax rate to propose for a commerce rate ("20" → the option whose name shows 20%),
 * preferring a sales-side rate over a purchase-side one; `null` when none or a tie.
 */
export function suggestTaxRate(rate: string, options: readonly Option[]): Option | null {
  const percent = Number(rate);
  if (!Number.isFinite(percent)) return null;
  const scored = options.map((o) => {
    const name = o.name ?? '';
    if (!ratesShown(name).includes(percent)) return [o, -Infinity] as const;
    const words = wordsOf(name);
    const zero = percent === 0 && hasPhrase(words, 'zero') ? 10 : 0;
    return [o, 50 + sideScore(words) + zero] as const;
  });
  return best(scored);
}

/**
 * The ledger tax rate to propose for a pushed tax component ("GST" → "GST (5%)"): every word of
 * the component's name is in the option's name; an option naming nothing else wins over a
 * combined one ("GST/PST BC"). `null` when none or a tie.
 */
export function suggestTaxComponent(componentName: string, options: readonly Option[]): Option | null {
  const wanted = wordsOf(componentName).filter((w) => !/^\d/.test(w));
  if (wanted.length === 0) return null;
  const scored = options.map((o) => {
    const words = wordsOf(o.name ?? '').filter((w) => !/^\d/.test(w));
    if (!wanted.every((w) => words.includes(w))) return [o, -Infinity] as const;
    const extra = words.filter((w) => !wanted.includes(w)).length;
    return [o, 60 - 5 * extra + sideScore(words)] as const;
  });
  return best(scored);
}
