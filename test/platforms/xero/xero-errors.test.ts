import { parseXeroDate, xeroError } from '../../../src/platforms/xero/errors.js';
import { journalDay } from './day-documents.js';
import { ids } from '../../mocks/xero/xero-mock.js';

const [journal] = journalDay('2024-02-29', { ...ids, salesTax: 'OUTPUT2', noTax: 'NONE' });
const validation = (...messages: string[]) => ({
  ErrorNumber: 10,
  Type: 'ValidationException',
  Message: 'A validation exception occurred',
  Elements: [{ ValidationErrors: messages.map((Message) => ({ Message })) }],
});

describe('Xero error mapping', () => {
  it.each([
    [
      400,
      validation('The period is locked. The document date cannot be before 31 Jan 2024.'),
      'period_locked',
    ],
    [
      400,
      validation('The document date cannot be before the end of year lock date'),
      'period_locked',
    ],
    [
      400,
      validation(
        "Account code '200' has been archived, or has been deleted. Each line item must reference a valid account.",
      ),
      'account_archived',
    ],
    [
      400,
      validation("Account code '999' is not a valid code for this document."),
      'account_missing',
    ],
    [
      400,
      validation(
        "The TaxType code 'OUTPUT9' does not exist or cannot be used for this type of transaction.",
      ),
      'tax_rate_missing',
    ],
    [400, validation("The contact 'Daily Sales' has been archived."), 'customer_archived'],
    [
      400,
      validation('The currency EUR is not enabled for this organisation.'),
      'currency_mismatch',
    ],
    [400, validation('The total debits must equal total credits.'), 'document_rejected'],
    [401, { Title: 'Unauthorized', Detail: 'AuthenticationUnsuccessful' }, 'authorization_revoked'],
    [
      403,
      { Type: 'AuthorizationUnsuccessful', Detail: 'AuthorizationUnsuccessful' },
      'authorization_revoked',
    ],
    [403, { Detail: 'The organisation subscription has expired' }, 'subscription_expired'],
  ] as const)('maps %i %j to %s', (status, body, code) => {
    expect(xeroError(status, body, { document: journal!, operation: 'write journal' }).code).toBe(
      code,
    );
  });

  it('extracts the lock date and names the document and date for the merchant', () => {
    const locked = xeroError(
      400,
      validation('The period is locked. The document date cannot be before 31 Jan 2024.'),
      { document: journal!, operation: 'write' },
    );
    expect(locked.params).toMatchObject({
      lockDate: '2024-01-31',
      date: '2024-02-29',
      platform: 'Xero',
    });
    const rejected = xeroError(400, validation('The total debits must equal total credits.'), {
      document: journal!,
      operation: 'write',
    });
    expect(rejected.params).toMatchObject({
      document: 'daily journal',
      date: '2024-02-29',
      detail: 'The total debits must equal total credits.',
    });
  });

  it('reads Xero date formats', () => {
    expect(parseXeroDate('/Date(1706659200000+0000)/')).toBe('2024-01-31');
    expect(parseXeroDate('2024-01-31T00:00:00')).toBe('2024-01-31');
    expect(parseXeroDate(null)).toBeNull();
  });
});
