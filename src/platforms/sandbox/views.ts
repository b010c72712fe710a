import { fromMinor } from '../../contract/money.js';
import { escapeHtml, errorPage, htmlResponse, jsonResponse, renderPage } from './html.js';
import type { SandboxStore } from './store.js';
import type { SandboxPostedDocument, SandboxTrialBalanceSection } from './schemas.js';
import { SANDBOX_TEMPLATES } from './templates.js';

/**
 * Read-only views of what was posted: the ledger list, a ledger's HTML page (documents and
 * trial balance) and the same data as JSON. Unauthenticated by design: the sandbox is a local
 * developer tool and these views exist for people and tests on the same machine.
 */

const KIND_LABELS: Record<string, string> = {
  journal: 'Journal',
  invoice: 'Invoice',
  creditNote: 'Credit note',
  bill: 'Bill',
  billCreditNote: 'Bill credit note',
  payment: 'Payment',
  bankTransaction: 'Bank transaction',
  transfer: 'Transfer',
};

function moneyFormatter(locale: string, currency: string): (minor: number) => string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  // Formatting the exact decimal text avoids any binary-float step between ledger and page.
  return (minor) => format.format(fromMinor(minor, currency) as Intl.StringNumericLiteral);
}

function wantsJson(request: Request): boolean {
  if (new URL(request.url).searchParams.get('format') === 'json') return true;
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** `GET /ledgers`: JSON for API clients (`Accept: application/json` or `?format=json`), an HTML list for browsers. */
export function ledgerList(store: SandboxStore, publicUrl: string, request: Request): Response {
  const ledgers = store.listLedgers();
  if (wantsJson(request)) return jsonResponse({ items: ledgers });
  const rows = ledgers
    .map(
      (
        l,
      ) => `<tr><th scope="row"><a href="${escapeHtml(`${publicUrl}/ledgers/${encodeURIComponent(l.id)}`)}">${escapeHtml(l.name)}</a></th>
<td>${escapeHtml(SANDBOX_TEMPLATES[l.template].label)}</td><td>${escapeHtml(l.lockDate ?? 'None')}</td><td class="num">${l.documentCount}</td></tr>`,
    )
    .join('\n');
  const body = `<h1>Sandbox ledgers</h1>
<p class="hint">These pages are unauthenticated and meant for local development only.</p>
${
  ledgers.length
    ? `<table><caption>All sandbox ledgers</caption>
<thead><tr><th scope="col">Ledger</th><th scope="col">Template</th><th scope="col">Lock date</th><th scope="col" class="num">Documents</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : '<p>No ledgers yet. Connect commerce-sync to the sandbox to create one.</p>'
}`;
  return htmlResponse(renderPage('Sandbox ledgers', body));
}

/** `GET /ledgers/{id}/documents` as JSON. */
export function ledgerDocumentsJson(store: SandboxStore, ledgerId: string): Response {
  if (!store.hasLedger(ledgerId))
    return jsonResponse({ error: 'not_found', error_description: `No ledger ${ledgerId}.` }, 404);
  return jsonResponse({ ledgerId, items: store.documents(ledgerId) });
}

/** `GET /ledgers/{id}/trial-balance` as JSON. */
export function ledgerTrialBalanceJson(store: SandboxStore, ledgerId: string): Response {
  if (!store.hasLedger(ledgerId))
    return jsonResponse({ error: 'not_found', error_description: `No ledger ${ledgerId}.` }, 404);
  return jsonResponse(store.trialBalance(ledgerId));
}

function trialBalanceTable(section: SandboxTrialBalanceSection, locale: string): string {
  const money = moneyFormatter(locale, section.currency);
  const rows = section.accounts
    .map(
      (
        a,
      ) => `<tr><td>${escapeHtml(a.code)}</td><th scope="row">${escapeHtml(a.name)}</th><td>${escapeHtml(a.classification)}</td>
<td class="num">${a.debit ? escapeHtml(money(a.debit)) : ''}</td><td class="num">${a.credit ? escapeHtml(money(a.credit)) : ''}</td></tr>`,
    )
    .join('\n');
  return `<table>
<caption>Trial balance in ${escapeHtml(section.currency)}</caption>
<thead><tr><th scope="col">Code</th><th scope="col">Account</th><th scope="col">Class</th><th scope="col" class="num">Debit</th><th scope="col" class="num">Credit</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5">Nothing posted yet.</td></tr>'}</tbody>
<tfoot><tr><th scope="row" colspan="3">Total</th><td class="num">${escapeHtml(money(section.totals.debit))}</td><td class="num">${escapeHtml(
    money(section.totals.credit),
  )}</td></tr></tfoot>
</table>`;
}

function documentTable(doc: SandboxPostedDocument, locale: string, index: number): string {
  const money = moneyFormatter(locale, doc.currency);
  const rows = doc.postings
    .map(
      (
        p,
      ) => `<tr><th scope="row">${escapeHtml(`${p.accountCode} ${p.accountName}`.trim())}</th><td>${escapeHtml(p.description)}</td>
<td class="num">${p.debit ? escapeHtml(money(p.debit)) : ''}</td><td class="num">${p.credit ? escapeHtml(money(p.credit)) : ''}</td></tr>`,
    )
    .join('\n');
  const debits = doc.postings.reduce((s, p) => s + p.debit, 0);
  const credits = doc.postings.reduce((s, p) => s + p.credit, 0);
  return `<section aria-labelledby="doc-${index}">
<h3 id="doc-${index}">${escapeHtml(KIND_LABELS[doc.kind] ?? doc.kind)} dated ${escapeHtml(doc.date)}</h3>
<p class="hint">Reference <code>${escapeHtml(doc.reference)}</code> · platform id <code>${escapeHtml(doc.platformId)}</code>${
    doc.amountDue !== null ? ` · amount due ${escapeHtml(money(doc.amountDue))}` : ''
  }${doc.memo ? ` · ${escapeHtml(doc.memo)}` : ''}</p>
<table>
<caption>Postings of the ${escapeHtml((KIND_LABELS[doc.kind] ?? doc.kind).toLowerCase())} dated ${escapeHtml(doc.date)} (${escapeHtml(doc.currency)})</caption>
<thead><tr><th scope="col">Account</th><th scope="col">Description</th><th scope="col" class="num">Debit</th><th scope="col" class="num">Credit</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><th scope="row" colspan="2">Total</th><td class="num">${escapeHtml(money(debits))}</td><td class="num">${escapeHtml(money(credits))}</td></tr></tfoot>
</table>
</section>`;
}

/** `GET /ledgers/{id}`: the ledger's documents with their postings, and its trial balance. */
export function ledgerPage(store: SandboxStore, publicUrl: string, ledgerId: string): Response {
  if (!store.hasLedger(ledgerId))
    return errorPage(404, 'Ledger not found', `There is no sandbox ledger with id ${ledgerId}.`);
  const company = store.company(ledgerId);
  const tb = store.trialBalance(ledgerId);
  const documents = store.documents(ledgerId);
  const base = `${publicUrl}/ledgers/${encodeURIComponent(ledgerId)}`;
  const body = `<h1>${escapeHtml(company.name)}</h1>
<p class="hint">Local developer view, unauthenticated. <a href="${escapeHtml(`${publicUrl}/ledgers`)}">All ledgers</a> ·
<a href="${escapeHtml(`${base}/documents`)}">Documents as JSON</a> · <a href="${escapeHtml(`${base}/trial-balance`)}">Trial balance as JSON</a></p>
<dl>
<dt>Template</dt><dd>${escapeHtml(SANDBOX_TEMPLATES[company.template].label)}</dd>
<dt>Base currency</dt><dd>${escapeHtml(company.baseCurrency)} (also accepts ${escapeHtml(company.currencies.join(', '))})</dd>
<dt>Lock date</dt><dd>${escapeHtml(company.lockDate ?? 'None')}</dd>
</dl>
<h2>Trial balance</h2>
${trialBalanceTable(tb, company.locale)}
${tb.otherCurrencies.map((s) => trialBalanceTable(s, company.locale)).join('\n')}
<h2>Documents (${documents.length})</h2>
${documents.length ? documents.map((d, i) => documentTable(d, company.locale, i)).join('\n') : '<p>Nothing posted yet.</p>'}`;
  return htmlResponse(renderPage(`${company.name} · Sandbox ledger`, body));
}
