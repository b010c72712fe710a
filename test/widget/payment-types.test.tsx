import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConfigurationWizard } from '../../src/widget/index.js';
import type { BffMockState } from '../mocks/bff/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';

useMswServer();

/** Card seen in pushed payments (required); cash, Swish, Vipps and PayPal offered but never seen. */
function withPaymentTypes(state: BffMockState, seen: readonly string[]): BffMockState {
  const accounts = state.configuration.configuration!.payments!.accounts!;
  const template = accounts.card!;
  for (const [key, labelText] of [['cash', 'Cash payments'], ['swish', 'Swish payments'], ['vipps', 'Vipps payments'], ['paypal', 'PayPal payments']] as const) {
    accounts[key] = { ...template, labelText, required: false, selectedAccountId: null };
  }
  for (const key of Object.keys(accounts)) if (key !== 'payout') accounts[key]!.required = seen.includes(key);
  return state;
}


describe('payment types this merchant uses', { timeout: 30_000 }, () => {
  it('shows the types seen in pushed payments and the payout; the rest behind "Show all payment types"', async () => {
    withPaymentTypes(mockBff({ scenario: 'connected' }), ['card']);
    const { user, container } = renderWidget(<ConfigurationWizard defaultStep="payments" />);
    await screen.findByRole('heading', { name: 'Payments', level: 3 }, { timeout: 5000 });
    expect(screen.getByRole('combobox', { name: 'Card payments' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Payouts' })).toBeInTheDocument();
    for (const hidden of ['Cash payments', 'Swish payments', 'Vipps payments', 'PayPal payments']) expect(screen.queryByRole('combobox', { name: hidden })).not.toBeInTheDocument();
    // "Accept all" only counts what is shown: card clearing and the bank account, not cash.
    expect(screen.getByRole('button', { name: 'Accept all suggestions (2)' })).toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: 'Show all payment types (4 more)' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expectNoAxeViolations(container);

    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(toggle).toHaveTextContent('Show only the payment types you use');
    expect(toggle).toHaveFocus();
    for (const shown of ['Cash payments', 'Swish payments', 'Vipps payments', 'PayPal payments']) expect(screen.getByRole('combobox', { name: shown })).toBeInTheDocument();
    // Cash clearing joins card clearing and the bank; the chart has nothing for Swish, Vipps or PayPal.
    expect(screen.getByRole('button', { name: 'Accept all suggestions (3)' })).toBeInTheDocument();
    await expectNoAxeViolations(container);

    // A type mapped from the full list stays in view once the list is folded again.
    await user.click(screen.getByRole('button', { name: /^Use suggestion .* for Cash payments$/ }));
    await user.click(toggle);
    expect(screen.getByRole('combobox', { name: 'Cash payments' })).toHaveValue('Cash clearing');
    expect(screen.queryByRole('combobox', { name: 'Swish payments' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Show all payment types (3 more)' })).toBeInTheDocument();
  });

  it('adds the types the partner says it sends', async () => {
    withPaymentTypes(mockBff({ scenario: 'connected' }), ['card']);
    renderWidget(<ConfigurationWizard defaultStep="payments" />, { paymentTypes: ['cash', 'paypal'] });
    await screen.findByRole('heading', { name: 'Payments', level: 3 }, { timeout: 5000 });
    expect(screen.getByRole('combobox', { name: 'Cash payments' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'PayPal payments' })).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Swish payments' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Show all payment types (2 more)' })).toBeInTheDocument();
  });

  it('shows every type while nothing says which are used', async () => {
    withPaymentTypes(mockBff({ scenario: 'connected' }), []);
    const { user } = renderWidget(<ConfigurationWizard defaultStep="payments" />);
    await screen.findByRole('heading', { name: 'Payments', level: 3 }, { timeout: 5000 });
    const step = screen.getByRole('heading', { name: 'Payments', level: 3 }).closest('section')!;
    expect(within(step).getAllByRole('combobox')).toHaveLength(6);
    expect(screen.queryByRole('button', { name: /Show all payment types/ })).not.toBeInTheDocument();
    // Choosing one type in this session folds nothing away (the merchant goes on to the next row).
    await user.click(screen.getByRole('button', { name: /^Use suggestion .* for Cash payments$/ }));
    expect(within(step).getAllByRole('combobox')).toHaveLength(6);
    expect(screen.getByRole('combobox', { name: 'Card payments' })).toBeInTheDocument();
  });

  it('speaks French', async () => {
    withPaymentTypes(mockBff({ scenario: 'connected' }), ['card']);
    renderWidget(<ConfigurationWizard defaultStep="payments" />, { locale: 'fr-FR' });
    expect(await screen.findByRole('button', { name: 'Afficher tous les moyens de paiement (4 de plus)' })).toHaveAttribute('aria-expanded', 'false');
  });
});
