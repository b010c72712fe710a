import { useQuery } from '@tanstack/react-query';
import { LedgerViewSchema, type DemoMerchantView, type LedgerDocument, type TrialBalanceSection } from '../../shared/partner-api.js';
import { partnerFetch } from '../api.js';
import { Notice } from '../components/notice.js';
import { formatLocalDate, formatMoney } from '../format.js';
import { navigate } from '../router.js';

const KIND_LABELS: Record<string, string> = {
  journal: 'Journal',
  invoice: 'Sales invoice',
  creditNote: 'Credit note',
  bill: 'Bill',
  billCreditNote: 'Bill credit note',
  payment: 'Payment',
  bankTransaction: 'Bank transaction',
  transfer: 'Transfer',
};

/** What the merchant's sandbox ledger received: posted documents and the trial balance. */
export function LedgerPage({ merchant }: { merchant: DemoMerchantView }) {
  const ledger = useQuery({
    queryKey: ['ledger'],
    queryFn: () => partnerFetch('/api/partner/ledger', LedgerViewSchema),
  });

  if (ledger.isPending) return <p className="hb-muted" role="status">Loading the ledger…</p>;
  if (ledger.isError) {
    return (
      <Notice tone="error" title="Could not load the ledger">
        {ledger.error.message}{' '}
        <button type="button" className="hb-link-button" onClick={() => void ledger.refetch()}>
          Try again
        </button>
      </Notice>
    );
  }
  const view = ledger.data;
  if (!view.connected) {
    return (
      <div className="hb-empty">
        <h2>No ledger connected yet</h2>
        <p className="hb-muted">Connect the sandbox accounting platform on the Accounting page; its documents will show here.</p>
        <a
          className="hb-button"
          data-variant="primary"
          href="/accounting"
          onClick={(e) => {
            e.preventDefault();
            navigate('/accounting');
          }}
        >
          Go to Accounting
        </a>
      </div>
    );
  }
  const ledgerInfo = view.ledger;
  const moneyIn = (currency: string) => (minor: number) => formatMoney(minor, currency, merchant.locale);

  return (
    <div className="hb-stack">
      <section className="hb-card" aria-labelledby="ledger-docs-title">
        <div className="hb-card-head">
          <h2 id="ledger-docs-title">Posted documents</h2>
          {ledgerInfo ? (
            <span className="hb-muted hb-small">
              Sandbox ledger “{ledgerInfo.name}” · {ledgerInfo.currency}
            </span>
          ) : null}
        </div>
        {view.documents.length === 0 ? (
          <div className="hb-empty-inline">
            <p>
              <strong>Nothing posted yet.</strong>
            </p>
            <p className="hb-muted">Simulate sales and press Sync now on the Overview page; each finished day appears here.</p>
          </div>
        ) : (
          <ol className="hb-doc-list">
            {view.documents.map((doc) => (
              <DocumentCard key={doc.id} doc={doc} money={moneyIn(doc.currency)} locale={merchant.locale} />
            ))}
          </ol>
        )}
      </section>
      {ledgerInfo
        ? view.trialBalance.map((section) => (
            <section key={section.currency} className="hb-card" aria-labelledby={`ledger-tb-${section.currency}`}>
              <h2 id={`ledger-tb-${section.currency}`}>Trial balance · {section.currency}</h2>
              <TrialBalance section={section} money={moneyIn(section.currency)} />
            </section>
          ))
        : null}
    </div>
  );
}

function DocumentCard({ doc, money, locale }: { doc: LedgerDocument; money: (n: number) => string; locale: string }) {
  const headingId = `doc-${doc.id}`;
  const debit = doc.postings.reduce((s, p) => s + p.debit, 0);
  const credit = doc.postings.reduce((s, p) => s + p.credit, 0);
  return (
    <li className="hb-doc" data-kind={doc.kind}>
      <div className="hb-doc-head">
        <h3 id={headingId}>
          {KIND_LABELS[doc.kind] ?? doc.kind} · {formatLocalDate(doc.date, locale)}
        </h3>
        <span className="hb-doc-total">{money(doc.total)}</span>
      </div>
      <p className="hb-muted hb-small">
        {doc.memo} <code className="hb-ref">{doc.reference}</code>
      </p>
      <table className="hb-table" aria-labelledby={headingId}>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Description</th>
            <th scope="col" className="hb-num">
              Debit
            </th>
            <th scope="col" className="hb-num">
              Credit
            </th>
          </tr>
        </thead>
        <tbody>
          {doc.postings.map((p, i) => (
            <tr key={i}>
              <td>
                <span className="hb-code">{p.accountCode}</span> {p.accountName}
              </td>
              <td>{p.description}</td>
              <td className="hb-num">{p.debit ? money(p.debit) : ''}</td>
              <td className="hb-num">{p.credit ? money(p.credit) : ''}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td className="hb-num" data-testid="document-debit-total">
              {money(debit)}
            </td>
            <td className="hb-num" data-testid="document-credit-total">
              {money(credit)}
            </td>
          </tr>
        </tfoot>
      </table>
    </li>
  );
}

function TrialBalance({ section, money }: { section: TrialBalanceSection; money: (n: number) => string }) {
  const { rows, currency } = section;
  if (rows.length === 0) return <p className="hb-empty-inline hb-muted">No balances yet.</p>;
  const debit = rows.reduce((s, r) => s + r.debit, 0);
  const credit = rows.reduce((s, r) => s + r.credit, 0);
  return (
    <table className="hb-table" aria-labelledby={`ledger-tb-${currency}`}>
      <thead>
        <tr>
          <th scope="col">Account</th>
          <th scope="col" className="hb-num">
            Debit
          </th>
          <th scope="col" className="hb-num">
            Credit
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.accountId}>
            <td>
              <span className="hb-code">{r.accountCode}</span> {r.accountName}
            </td>
            <td className="hb-num">{r.debit ? money(r.debit) : ''}</td>
            <td className="hb-num">{r.credit ? money(r.credit) : ''}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td className="hb-num" data-testid={`tb-${currency}-debit-total`}>
            {money(debit)}
          </td>
          <td className="hb-num" data-testid={`tb-${currency}-credit-total`}>
            {money(credit)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
