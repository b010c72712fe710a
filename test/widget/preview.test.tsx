import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SyncPreview } from '../../src/contract/preview.js';
import { ConfigurationWizard } from '../../src/widget/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';
import { fillWizard, next } from './wizard-helpers.js';

useMswServer();

/** A journal-mode day already posted: card 11.79 after a 0.21 fee, sales 10.00 and VAT 2.00 credited. */
function postedDay(cardAccount: { id: string; name: string }): SyncPreview['posted'][number] {
  const line = (accountId: string, accountName: string, amount: number, role: string, description: string) => ({ accountId, accountName, accountCode: null, description, role, amount, taxAmount: null, taxRateName: null });
  return {
    reference: 'company-1:2026-11-26:GBP||:journal:r0', kind: 'journal', date: '2026-11-26', currency: 'GBP', memo: '', lineStyle: 'signed', total: 1200,
    lines: [line(cardAccount.id, cardAccount.name, 1200, 'payment', 'Card payments'), line('acc-4000', 'Sales', -1000, 'sales', 'Sales 20%'), line('acc-vat', 'VAT', -200, 'tax', 'VAT 20%')],
  };
}

describe('the Review step shows what the settings would post', { timeout: 60_000 }, () => {
  it("previews the merchant's last day in their currency and language, with each line's account and the totals", async () => {
    const state = mockBff({ scenario: 'connected' });
    const { user, container } = renderWidget(<ConfigurationWizard platformName="Sandbox ledger" />, { locale: 'en-GB' });
    await screen.findByRole('heading', { name: 'Output', level: 3 }, { timeout: 5000 });
    await fillWizard(user);
    await next(user, 'Review');
    const preview = await screen.findByRole('region', { name: 'A day as it would be posted' });
    expect(await within(preview).findByText(/this is what Sandbox ledger would receive for 26 Nov 2026/)).toBeInTheDocument();
    const journal = within(preview).getByRole('table', { name: /Daily journal · £12\.00/ });
    // The card account the merchant chose, debited 12.00; sales credited 10.00, VAT 2.00.
    expect(within(journal).getByRole('row', { name: /^Card clearing/ })).toHaveTextContent('Card clearingCard payments£12.00');
    expect(within(journal).getByRole('row', { name: /^Sales/ })).toHaveTextContent('£10.00');
    expect(within(journal).getByRole('row', { name: /^Total/ })).toHaveTextContent('Total£12.00£12.00');
    // The unsaved selections were sent, not the stored (empty) ones.
    const sent = state.requests.find((r) => r.route === 'previewConfiguration')?.body as { configuration: { payments: { accounts: { card: { selectedAccountId: string } } } } };
    expect(sent.configuration.payments.accounts.card.selectedAccountId).toBe('acc-1210');
    await expectNoAxeViolations(container);
  });

  it('in French, formats money and dates with Intl for the locale', async () => {
    const state = mockBff({ scenario: 'configured' });
    const posted = postedDay({ id: 'acc-1210', name: 'Card clearing' });
    state.preview = { date: '2026-11-26', dayOpen: false, timeZone: 'Europe/London', documents: [posted], posted: [], problems: [], validation: [] };
    renderWidget(<ConfigurationWizard platformName="Sandbox" defaultStep="review" />, { locale: 'fr-FR' });
    expect(await screen.findByText(/voici ce que Sandbox recevrait pour le 26 nov\. 2026/)).toBeInTheDocument();
    const journal = screen.getByRole('table', { name: /Écriture du jour · 12,00\s£/ });
    expect(within(journal).getByRole('row', { name: /^Sales/ })).toHaveTextContent(/10,00\s£/);
  });

  it('says when no sales have arrived yet and shows an example day', async () => {
    const state = mockBff({ scenario: 'connected' });
    state.preview = { date: null, dayOpen: false, timeZone: 'Europe/London', documents: [], posted: [], problems: [], validation: [] };
    const { user, container } = renderWidget(<ConfigurationWizard platformName="Sandbox ledger" />, { locale: 'en-GB' });
    await screen.findByRole('heading', { name: 'Output', level: 3 }, { timeout: 5000 });
    await fillWizard(user);
    await next(user, 'Review');
    expect(await screen.findByText(/No sales have reached us yet, so here is an example day/)).toBeInTheDocument();
    const example = screen.getByRole('table', { name: /Daily journal · £12\.50/ });
    expect(within(example).getByRole('row', { name: /^VAT payable/ })).toHaveTextContent('£2.00');
    await expectNoAxeViolations(container);
  });

  it('when editing, shows what changes against the day already posted', async () => {
    const state = mockBff({ scenario: 'configured' });
    const posted = postedDay({ id: 'acc-1210', name: 'Card clearing' });
    state.preview = { date: '2026-11-26', dayOpen: false, timeZone: 'Europe/London', documents: [posted], posted: [posted], problems: [], validation: [] };
    const first = renderWidget(<ConfigurationWizard platformName="Sandbox ledger" defaultStep="review" />, { locale: 'en-GB' });
    expect(await screen.findByText('The same as what was already posted for 26 Nov 2026.')).toBeInTheDocument();
    first.unmount();

    // These settings would send the card money to the bank account instead: 12.00 moves.
    state.preview = { ...state.preview, documents: [postedDay({ id: 'acc-1200', name: 'Business bank account' })] };
    const { container } = renderWidget(<ConfigurationWizard platformName="Sandbox ledger" defaultStep="review" />, { locale: 'en-GB' });
    const changes = await screen.findByRole('table', { name: 'What changes for 26 Nov 2026 compared with what was posted' });
    expect(within(changes).getByRole('row', { name: /^Business bank account/ })).toHaveTextContent('Business bank account£0.00£12.00');
    expect(within(changes).getByRole('row', { name: /^Card clearing/ })).toHaveTextContent('Card clearing£12.00£0.00');
    expect(within(changes).queryByRole('row', { name: /^Sales/ })).not.toBeInTheDocument();
    await expectNoAxeViolations(container);
  });
});
