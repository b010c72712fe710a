import { createHash, randomBytes } from 'node:crypto';
import type {
  AccountingDocument,
  BankTransactionDocument,
  BillDocument,
  CreditNoteDocument,
  InvoiceDocument,
  JournalDocument,
  PaymentDocument,
  TransferDocument,
} from '../../../src/contract/documents.js';
import { SANDBOX_TEMPLATES, createSandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import type { SandboxPlatform, SandboxTemplateKey } from '../../../src/platforms/sandbox/index.js';
import type { ConnectionTokens, ConnectorContext } from '../../../src/platforms/connector.js';

export const BASE = 'http://127.0.0.1:4010/sandbox';
export const REDIRECT_URI = 'https://app.example.test/callback?partner=acme';

/** A hand-driven clock so tests move time without waiting. */
export function manualClock(start = '2026-03-01T10:00:00Z') {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

export function newSandbox(clock = manualClock()): {
  sandbox: SandboxPlatform;
  clock: ReturnType<typeof manualClock>;
} {
  const sandbox = createSandboxPlatform({
    databasePath: ':memory:',
    publicUrl: BASE,
    redirectUris: [REDIRECT_URI],
    now: clock.now,
  });
  return { sandbox, clock };
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export function get(sandbox: SandboxPlatform, path: string, headers: Record<string, string> = {}) {
  return sandbox.handler(new Request(`${BASE}${path}`, { headers }));
}

export function postForm(
  sandbox: SandboxPlatform,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return sandbox.handler(
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    }),
  );
}

/** Opens the consent page for an authorization URL and returns the request id in its form. */
export async function openConsent(
  sandbox: SandboxPlatform,
  authorizationUrl: string,
): Promise<{ html: string; requestId: string }> {
  const response = await sandbox.handler(new Request(authorizationUrl));
  const html = await response.text();
  if (response.status !== 200) throw new Error(`consent page answered ${response.status}: ${html}`);
  const match = /name="request_id" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('consent page has no request_id');
  return { html, requestId: match[1]! };
}

/** Answers the consent page and returns the redirect Location as a URL. */
export async function decide(
  sandbox: SandboxPlatform,
  requestId: string,
  decision: 'allow' | 'deny',
  ledger = 'new:uk',
  ledgerName = '',
): Promise<URL> {
  const response = await postForm(sandbox, '/oauth/authorize', {
    request_id: requestId,
    decision,
    ledger,
    ledger_name: ledgerName,
  });
  if (response.status !== 302)
    throw new Error(`decision answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get('location')!);
}

/** Runs the whole authorization-code + PKCE flow and returns the tokens. */
export async function connect(
  sandbox: SandboxPlatform,
  ledger: string | SandboxTemplateKey = 'uk',
): Promise<ConnectionTokens> {
  const { verifier, challenge } = pkcePair();
  const url = sandbox.connector.authorizationUrl({
    state: 'st-1',
    redirectUri: REDIRECT_URI,
    codeChallenge: challenge,
  });
  const { requestId } = await openConsent(sandbox, url);
  const choice = ledger === 'uk' || ledger === 'us' || ledger === 'ca' ? `new:${ledger}` : ledger;
  const back = await decide(sandbox, requestId, 'allow', choice);
  return sandbox.connector.exchangeCode({
    code: back.searchParams.get('code')!,
    redirectUri: REDIRECT_URI,
    codeVerifier: verifier,
  });
}

/** A connector context that records saved tokens. */
export function contextFor(
  tokens: ConnectionTokens,
): ConnectorContext & { saved: ConnectionTokens[] } {
  const saved: ConnectionTokens[] = [];
  return {
    tokens,
    saved,
    async saveTokens(next) {
      saved.push(next);
    },
  };
}

const uk = SANDBOX_TEMPLATES.uk;
const group = { currency: 'GBP', locationId: null, country: null };

function base(kind: string, date: string, qualifier = '') {
  const reference = `cmp-1:${date}:GBP||:${kind}${qualifier ? `:${qualifier}` : ''}:r0`;
  return {
    reference,
    companyId: 'cmp-1',
    date,
    currency: 'GBP',
    group,
    revision: 0,
    adjusts: null,
    memo: `${kind} ${date}`,
    appliesTo: null,
  };
}

/** The domain doc's example day: cash 1,250 Dr; sales 1,000 Cr; gratuities 50 Cr; VAT 200 Cr. */
export function ukJournal(date = '2026-03-02'): JournalDocument {
  return {
    ...base('journal', date),
    kind: 'journal',
    lines: [
      {
        accountId: uk.accounts.cashClearing.id,
        amount: 1250,
        description: 'Cash takings',
        role: 'payment',
      },
      {
        accountId: uk.accounts.sales.id,
        amount: -1000,
        description: 'Sales 20%',
        role: 'sales',
        taxRateId: uk.taxRates.standard.id,
        taxRateKey: '20',
      },
      {
        accountId: uk.accounts.gratuities.id,
        amount: -50,
        description: 'Gratuities',
        role: 'gratuity',
      },
      { accountId: uk.accounts.taxPayable.id, amount: -200, description: 'VAT 20%', role: 'tax' },
    ],
  };
}

export function ukInvoice(date = '2026-03-02', total = 12_000): InvoiceDocument {
  const net = Math.round(total / 1.2);
  return {
    ...base('invoice', date),
    kind: 'invoice',
    contactId: uk.contacts.dailySales.id,
    status: 'Submitted',
    lines: [
      {
        accountId: uk.accounts.sales.id,
        description: 'Sales 20%',
        role: 'sales',
        netAmount: net,
        taxAmount: total - net,
        taxRateId: uk.taxRates.standard.id,
        taxRateKey: '20',
      },
    ],
    total,
  };
}

export function ukCreditNote(date = '2026-03-02', total = 1_200): CreditNoteDocument {
  return {
    ...base('creditNote', date),
    kind: 'creditNote',
    contactId: uk.contacts.dailySales.id,
    status: 'Submitted',
    lines: [
      {
        accountId: uk.accounts.sales.id,
        description: 'Refunds 20%',
        role: 'refund',
        netAmount: 1_000,
        taxAmount: total - 1_000,
        taxRateId: uk.taxRates.standard.id,
        taxRateKey: '20',
      },
    ],
    total,
  };
}

export function ukBill(date = '2026-03-02', total = 300): BillDocument {
  return {
    ...base('bill', date),
    kind: 'bill',
    contactId: uk.contacts.cardProcessor.id,
    status: 'Submitted',
    lines: [
      {
        accountId: uk.accounts.merchantFees.id,
        description: 'Card fees',
        role: 'fee',
        netAmount: total,
        taxAmount: 0,
        taxRateId: uk.taxRates.exempt.id,
      },
    ],
    total,
  };
}

export function ukPayment(
  appliesTo: string,
  amount: number,
  direction: PaymentDocument['direction'] = 'received',
  date = '2026-03-02',
  accountId: string = uk.accounts.cardClearing.id,
): PaymentDocument {
  return {
    ...base('payment', date, `${direction}-${amount}`),
    kind: 'payment',
    direction,
    accountId,
    paymentTypeKey: 'card',
    amount,
    appliesTo,
  };
}

export function ukBankTransaction(date = '2026-03-02'): BankTransactionDocument {
  return {
    ...base('bankTransaction', date),
    kind: 'bankTransaction',
    type: 'spend',
    bankAccountId: uk.accounts.cardClearing.id,
    contactId: uk.contacts.cardProcessor.id,
    lines: [
      {
        accountId: uk.accounts.merchantFees.id,
        description: 'Fees',
        role: 'fee',
        netAmount: 45,
        taxAmount: 0,
      },
    ],
    total: 45,
  };
}

export function ukTransfer(date = '2026-03-02', amount = 9_000): TransferDocument {
  return {
    ...base('transfer', date),
    kind: 'transfer',
    fromAccountId: uk.accounts.cardClearing.id,
    toAccountId: uk.accounts.businessBank.id,
    amount,
  };
}

/** Writes a document with its reference as idempotency key. */
export function write(
  sandbox: SandboxPlatform,
  ctx: ConnectorContext,
  doc: AccountingDocument,
  related: Record<string, string> = {},
) {
  return sandbox.connector.writeDocument(ctx, doc, { idempotencyKey: doc.reference, related });
}
