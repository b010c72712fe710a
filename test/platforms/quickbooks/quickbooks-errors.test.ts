import { quickBooksError } from '../../../src/platforms/quickbooks/errors.js';
import { invoiceDay } from '../xero/day-documents.js';
import { qboIds } from '../../mocks/quickbooks/quickbooks-mock.js';

const docs = invoiceDay('2024-02-29', { ...qboIds });
const invoice = docs[0]!;
const bill = docs.find((d) => d.kind === 'bill')!;
const fault = (code: string, Message: string, Detail = '') => ({
  Fault: { Error: [{ Message, Detail, code }], type: 'ValidationFault' },
});

describe('QuickBooks error mapping', () => {
  it.each([
    [
      400,
      fault('6210', 'Account Period Closed, Cannot Update Through Services API'),
      invoice,
      'period_locked',
    ],
    [
      400,
      fault('610', 'Object Not Found', 'Account (Id 81) has been made inactive.'),
      invoice,
      'account_archived',
    ],
    [
      400,
      fault('610', 'Object Not Found', 'Customer (Id 58) has been made inactive.'),
      invoice,
      'customer_archived',
    ],
    [
      400,
      fault('610', 'Object Not Found', 'Vendor (Id 41) has been made inactive.'),
      bill,
      'supplier_archived',
    ],
    [
      400,
      fault(
        '2500',
        'Invalid Reference Id',
        'Invalid Reference Id : Accounts element id 999 not found',
      ),
      invoice,
      'account_missing',
    ],
    [
      400,
      fault(
        '6190',
        'Invalid Company Status',
        'The subscription period has ended or the account has been cancelled.',
      ),
      invoice,
      'subscription_expired',
    ],
    [403, fault('5020', 'Permission Denied Error'), invoice, 'subscription_expired'],
    [403, fault('3100', 'ApplicationAuthorizationFailed'), invoice, 'authorization_revoked'],
    [
      401,
      { fault: { error: [{ message: 'AuthenticationFailed', code: '3200' }] } },
      invoice,
      'authorization_revoked',
    ],
    [
      400,
      fault('6000', 'A business validation error has occurred', 'Transaction is not balanced'),
      invoice,
      'document_rejected',
    ],
  ] as const)('maps %i %j to %s', (status, body, document, code) => {
    expect(quickBooksError(status, body, { document, operation: 'write' }).code).toBe(code);
  });

  it('uses the closing date it read for the merchant message', () => {
    const error = quickBooksError(400, fault('6210', 'Account Period Closed'), {
      document: invoice,
      operation: 'write',
      lockDate: '2024-03-31',
    });
    expect(error.params).toMatchObject({
      lockDate: '2024-03-31',
      date: '2024-02-29',
      platform: 'QuickBooks Online',
    });
  });
});
