import { fromMinor } from '../../contract/money.js';
import type { LineRole } from '../../contract/documents.js';
import type { SandboxDocumentInput } from './schemas.js';
import { LedgerRejection, SANDBOX_PLATFORM_NAME, isCalendarDate } from './store.js';
import type { NewDocument, NewPosting, SandboxStore } from './store.js';
import { SANDBOX_TEMPLATES } from './templates.js';
import type { SandboxTemplateKey } from './templates.js';

/**
 * The ledger's posting rules: what a real accounting platform checks before it accepts a
 * document, and the double-entry postings each document kind makes.
 */

const platform = SANDBOX_PLATFORM_NAME;

/** Human names of documents, for messages. */
const KIND_NAMES: Record<SandboxDocumentInput['kind'], string> = {
  journal: 'journal',
  invoice: 'invoice',
  creditNote: 'credit note',
  bill: 'bill',
  billCreditNote: 'bill credit note',
  payment: 'payment',
  bankTransaction: 'bank transaction',
  transfer: 'transfer',
};

/** What a line's account is mapped to, in the words of the configuration wizard. */
const ROLE_MAPPINGS: Record<LineRole, string> = {
  sales: 'Sales',
  discount: 'Discounts',
  shipping: 'Shipping',
  serviceCharge: 'Service charges',
  tax: 'Tax',
  gratuity: 'Gratuities',
  prepaid: 'Gift cards',
  refund: 'Refunds',
  refundTax: 'Tax on refunds',
  payment: 'Payments',
  paymentRefund: 'Payment refunds',
  fee: 'Fees',
  feeRefund: 'Fee refunds',
  payout: 'Payouts',
  rounding: 'Rounding',
};

interface AccountUse {
  accountId: string;
  mapping: string;
}

/**
 * Checks a document against the ledger and returns what to store. Throws a
 * {@link LedgerRejection} carrying the sync catalog code and message params otherwise.
 */
export function prepareDocument(
  store: SandboxStore,
  ledgerId: string,
  doc: SandboxDocumentInput,
  idempotencyKey: string,
  related: Record<string, string>,
): NewDocument {
  const company = store.company(ledgerId);
  const documentName = KIND_NAMES[doc.kind];
  const reject = (detail: string, extra: Record<string, string | number> = {}): never => {
    throw new LedgerRejection('document_rejected', detail, {
      platform,
      document: documentName,
      date: doc.date,
      detail,
      ...extra,
    });
  };

  if (!isCalendarDate(doc.date)) reject(`${doc.date} is not a calendar date.`);
  if (company.lockDate !== null && doc.date <= company.lockDate) {
    throw new LedgerRejection(
      'period_locked',
      `The ${documentName} is dated ${doc.date}, on or before the lock date ${company.lockDate}.`,
      { platform, lockDate: company.lockDate, date: doc.date, document: documentName },
    );
  }
  if (!company.currencies.includes(doc.currency)) {
    throw new LedgerRejection(
      'currency_mismatch',
      `${doc.currency} is not enabled on this ledger (enabled: ${company.currencies.join(', ')}).`,
      { platform, currency: doc.currency, date: doc.date, document: documentName },
    );
  }

  const checkAccount = (use: AccountUse) => {
    const account = store.account(ledgerId, use.accountId);
    if (!account || account.status === 'Deleted') {
      throw new LedgerRejection('account_missing', `Account ${use.accountId} does not exist.`, {
        platform,
        accountName: account?.name ?? use.accountId,
        accountId: use.accountId,
        mapping: use.mapping,
        date: doc.date,
      });
    }
    if (account.status === 'Archived') {
      throw new LedgerRejection(
        'account_archived',
        `Account ${account.code} ${account.name} is archived.`,
        {
          platform,
          accountName: account.name,
          accountId: account.id,
          mapping: use.mapping,
          date: doc.date,
        },
      );
    }
    return account;
  };
  const checkTaxRate = (
    taxRateId: string | null | undefined,
    taxRateKey: string | null | undefined,
  ) => {
    if (!taxRateId) return null;
    const rate = store.taxRate(ledgerId, taxRateId);
    if (!rate || rate.status !== 'Active') {
      throw new LedgerRejection(
        'tax_rate_missing',
        `Tax rate ${taxRateId} does not exist or is not active.`,
        {
          platform,
          taxRate: taxRateKey ?? rate?.effectiveRate ?? taxRateId,
          taxRateId,
          date: doc.date,
        },
      );
    }
    return rate;
  };
  const checkContact = (contactId: string, role: 'customer' | 'supplier') => {
    const contact = store.contact(ledgerId, contactId);
    if (!contact) reject(`The ${role} ${contactId} does not exist.`);
    const c = contact!;
    if (role === 'customer' ? !c.isCustomer : !c.isSupplier) reject(`${c.name} is not a ${role}.`);
    if (c.status === 'Archived') {
      throw new LedgerRejection(
        role === 'customer' ? 'customer_archived' : 'supplier_archived',
        `The ${role} ${c.name} is archived.`,
        { platform, contactName: c.name, contactId: c.id, date: doc.date },
      );
    }
    return c;
  };
  const checkPaymentAccount = (accountId: string, mapping: string) => {
    const account = checkAccount({ accountId, mapping });
    if (!account.enablePaymentsToAccount) {
      reject(
        `The account "${account.name}" does not accept payments; enable payments on it or choose another.`,
        {
          accountName: account.name,
          accountId: account.id,
          mapping,
        },
      );
    }
    return account;
  };
  const checkBankAccount = (accountId: string, mapping: string) => {
    const account = checkAccount({ accountId, mapping });
    if (!account.isBankAccount) {
      reject(`The account "${account.name}" is not a bank account.`, {
        accountName: account.name,
        mapping,
      });
    }
    return account;
  };
  const money = (minor: number) => `${fromMinor(minor, doc.currency)} ${doc.currency}`;
  const template = SANDBOX_TEMPLATES[company.template as SandboxTemplateKey];
  const base = {
    idempotencyKey,
    reference: doc.reference,
    kind: doc.kind,
    date: doc.date,
    currency: doc.currency,
    memo: doc.memo,
  };
  const debit = (
    accountId: string,
    amount: number,
    description: string,
    taxRateId: string | null = null,
  ): NewPosting =>
    amount >= 0
      ? { accountId, debit: amount, credit: 0, description, taxRateId }
      : { accountId, debit: 0, credit: -amount, description, taxRateId };
  const credit = (
    accountId: string,
    amount: number,
    description: string,
    taxRateId: string | null = null,
  ) => debit(accountId, -amount, description, taxRateId);

  switch (doc.kind) {
    case 'journal': {
      let sum = 0;
      const postings = doc.lines.map((line) => {
        checkAccount({ accountId: line.accountId, mapping: ROLE_MAPPINGS[line.role] });
        checkTaxRate(line.taxRateId, line.taxRateKey);
        sum += line.amount;
        return debit(line.accountId, line.amount, line.description, line.taxRateId ?? null);
      });
      if (sum !== 0) {
        reject(`The journal does not balance: debits exceed credits by ${money(sum)}.`, {
          difference: sum,
        });
      }
      const debits = postings.reduce((a, p) => a + p.debit, 0);
      return {
        ...base,
        contactId: null,
        appliesToId: null,
        lines: doc.lines.map((l) => ({ ...l })),
        net: debits,
        tax: 0,
        total: debits,
        amountDue: null,
        postings: postings.filter((p) => p.debit !== 0 || p.credit !== 0),
        settles: null,
      };
    }
    case 'invoice':
    case 'creditNote':
    case 'bill':
    case 'billCreditNote': {
      const sales = doc.kind === 'invoice' || doc.kind === 'creditNote';
      checkContact(doc.contactId, sales ? 'customer' : 'supplier');
      if (doc.total < 0) {
        reject(
          `A ${documentName} cannot have a negative total (${money(doc.total)}); post a credit note instead.`,
        );
      }
      const control = sales ? template.receivableAccountId : template.payableAccountId;
      checkAccount({
        accountId: control,
        mapping: sales ? 'Accounts receivable' : 'Accounts payable',
      });
      // Income lines are credits on an invoice and debits on a credit note; bills are the mirror image.
      const sign = doc.kind === 'invoice' || doc.kind === 'billCreditNote' ? -1 : 1;
      const postings: NewPosting[] = [];
      let net = 0;
      let tax = 0;
      for (const line of doc.lines) {
        checkAccount({ accountId: line.accountId, mapping: ROLE_MAPPINGS[line.role] });
        const rate = checkTaxRate(line.taxRateId, line.taxRateKey);
        if (line.taxAmount !== 0 && !rate)
          reject(`The line "${line.description}" has tax but no tax rate.`);
        net += line.netAmount;
        tax += line.taxAmount;
        postings.push(
          debit(line.accountId, sign * line.netAmount, line.description, line.taxRateId ?? null),
        );
        if (line.taxAmount !== 0 && rate) {
          checkAccount({ accountId: rate.liabilityAccountId, mapping: 'Tax' });
          postings.push(
            debit(rate.liabilityAccountId, sign * line.taxAmount, `Tax: ${rate.name}`, rate.id),
          );
        }
      }
      if (net + tax !== doc.total) {
        reject(
          `The ${documentName} total ${money(doc.total)} is not the sum of its lines (${money(net + tax)}).`,
        );
      }
      postings.push(debit(control, -sign * doc.total, `${documentName} total`));
      // Like real ledgers, a draft is stored but touches no account and cannot be paid.
      const draft = doc.status === 'Draft';
      return {
        ...base,
        contactId: doc.contactId,
        appliesToId: null,
        lines: doc.lines.map((l) => ({ ...l })),
        net,
        tax,
        total: doc.total,
        amountDue: draft ? null : doc.total,
        postings: draft ? [] : postings.filter((p) => p.debit !== 0 || p.credit !== 0),
        settles: null,
      };
    }
    case 'payment': {
      const mapping = doc.paymentTypeKey === 'fees' ? 'Fees' : `${doc.paymentTypeKey} payments`;
      checkPaymentAccount(doc.accountId, mapping);
      if (doc.amount <= 0) reject(`A payment amount must be positive (got ${money(doc.amount)}).`);
      const expectedKind = {
        received: 'invoice',
        refunded: 'creditNote',
        paid: 'bill',
        refundReceived: 'billCreditNote',
      }[doc.direction];
      const target = store.settleable(ledgerId, related[doc.appliesTo] ?? doc.appliesTo);
      if (!target)
        reject(
          `The ${KIND_NAMES[expectedKind as SandboxDocumentInput['kind']]} ${doc.appliesTo} it applies to does not exist.`,
        );
      const t = target!;
      if (t.kind !== expectedKind)
        reject(`A ${doc.direction} payment cannot apply to a ${t.kind}.`);
      if (t.currency !== doc.currency)
        reject(`The payment is in ${doc.currency} but ${t.reference} is in ${t.currency}.`);
      if (t.amountDue === null)
        reject(`${t.reference} is a draft; approve it before applying payments.`);
      const due = t.amountDue ?? 0;
      if (doc.amount > due) {
        reject(
          `The payment of ${money(doc.amount)} exceeds the amount due of ${money(due)} on ${t.reference}.`,
          {
            amountDue: due,
          },
        );
      }
      const sales = expectedKind === 'invoice' || expectedKind === 'creditNote';
      const control = sales ? template.receivableAccountId : template.payableAccountId;
      const moneyIn = doc.direction === 'received' || doc.direction === 'refundReceived';
      const postings = [
        debit(doc.accountId, moneyIn ? doc.amount : -doc.amount, doc.memo),
        debit(control, moneyIn ? -doc.amount : doc.amount, doc.memo),
      ];
      return {
        ...base,
        contactId: null,
        appliesToId: t.id,
        lines: [
          {
            accountId: doc.accountId,
            amount: doc.amount,
            direction: doc.direction,
            paymentTypeKey: doc.paymentTypeKey,
          },
        ],
        net: doc.amount,
        tax: 0,
        total: doc.amount,
        amountDue: null,
        postings,
        settles: { documentId: t.id, amount: doc.amount },
      };
    }
    case 'bankTransaction': {
      checkBankAccount(doc.bankAccountId, doc.type === 'spend' ? 'Fees' : 'Fee refunds');
      if (doc.contactId) {
        const contact = store.contact(ledgerId, doc.contactId);
        if (!contact) reject(`The contact ${doc.contactId} does not exist.`);
        if (contact!.status === 'Archived') {
          throw new LedgerRejection(
            contact!.isSupplier ? 'supplier_archived' : 'customer_archived',
            `The contact ${contact!.name} is archived.`,
            { platform, contactName: contact!.name, contactId: contact!.id, date: doc.date },
          );
        }
      }
      if (doc.total <= 0)
        reject(`A bank transaction total must be positive (got ${money(doc.total)}).`);
      const sign = doc.type === 'spend' ? 1 : -1;
      const postings: NewPosting[] = [];
      let net = 0;
      let tax = 0;
      for (const line of doc.lines) {
        checkAccount({ accountId: line.accountId, mapping: ROLE_MAPPINGS[line.role] });
        const rate = checkTaxRate(line.taxRateId, line.taxRateKey);
        if (line.taxAmount !== 0 && !rate)
          reject(`The line "${line.description}" has tax but no tax rate.`);
        net += line.netAmount;
        tax += line.taxAmount;
        postings.push(
          debit(line.accountId, sign * line.netAmount, line.description, line.taxRateId ?? null),
        );
        if (line.taxAmount !== 0 && rate) {
          postings.push(
            debit(rate.liabilityAccountId, sign * line.taxAmount, `Tax: ${rate.name}`, rate.id),
          );
        }
      }
      if (net + tax !== doc.total) {
        reject(
          `The bank transaction total ${money(doc.total)} is not the sum of its lines (${money(net + tax)}).`,
        );
      }
      postings.push(debit(doc.bankAccountId, -sign * doc.total, doc.memo));
      return {
        ...base,
        contactId: doc.contactId ?? null,
        appliesToId: null,
        lines: doc.lines.map((l) => ({ ...l })),
        net,
        tax,
        total: doc.total,
        amountDue: null,
        postings: postings.filter((p) => p.debit !== 0 || p.credit !== 0),
        settles: null,
      };
    }
    case 'transfer': {
      checkBankAccount(doc.fromAccountId, 'Payouts');
      checkBankAccount(doc.toAccountId, 'Payouts');
      if (doc.fromAccountId === doc.toAccountId) reject('A transfer needs two different accounts.');
      if (doc.amount <= 0) reject(`A transfer amount must be positive (got ${money(doc.amount)}).`);
      return {
        ...base,
        contactId: null,
        appliesToId: null,
        lines: [
          { fromAccountId: doc.fromAccountId, toAccountId: doc.toAccountId, amount: doc.amount },
        ],
        net: doc.amount,
        tax: 0,
        total: doc.amount,
        amountDue: null,
        postings: [
          credit(doc.fromAccountId, doc.amount, doc.memo),
          debit(doc.toAccountId, doc.amount, doc.memo),
        ],
        settles: null,
      };
    }
  }
}
