import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConfigurationWizard } from '../../src/widget/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';
import { next } from './wizard-helpers.js';

useMswServer();

describe('suggested mappings', () => {
  it('proposes accounts from the chart, selects none until accepted, and accepts one or all in one click', { timeout: 30_000 }, async () => {
    const state = mockBff({ scenario: 'connected' });
    const { user, container } = renderWidget(<ConfigurationWizard platformName="Sandbox ledger" />);
    await screen.findByRole('heading', { name: 'Output', level: 3 });
    await user.click(screen.getByRole('radio', { name: 'One journal a day' }));
    await next(user, 'Sales accounts');

    // Shown as suggestions (name and code), nothing selected yet.
    const sales = screen.getByRole('combobox', { name: 'Sales' });
    expect(sales).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Use suggestion Sales (4000) for Sales' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Use suggestion Gift card liability (2300) for Gift cards sold' })).toBeInTheDocument();
    expect(container.querySelectorAll('[data-part="badge"][data-state="suggested"]')).toHaveLength(4);
    await expectNoAxeViolations(container);

    // Accept all on this step: the four rows are filled, and the focus lands on the status line.
    await user.click(screen.getByRole('button', { name: 'Accept all suggestions (4)' }));
    expect(sales).toHaveValue('Sales');
    expect(screen.getByRole('combobox', { name: 'Refunds' })).toHaveValue('Refunds');
    expect(screen.getByRole('combobox', { name: /Gratuity/ })).toHaveValue('Gratuities');
    expect(screen.getByRole('combobox', { name: 'Gift cards sold' })).toHaveValue('Gift card liability');
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent('Suggestions accepted: 4.');
    expect(status).toHaveFocus();
    expect(screen.queryByRole('button', { name: /Use suggestion/ })).not.toBeInTheDocument();
    await expectNoAxeViolations(container);

    // One click on one row: only that row, and the focus stays on it.
    await next(user, 'Tax rates');
    await user.click(screen.getByRole('button', { name: 'Use suggestion Standard 20% for Sales at 20%' }));
    const rate20 = screen.getByRole('combobox', { name: 'Sales at 20%' });
    expect(rate20).toHaveValue('Standard 20%');
    expect(rate20).toHaveFocus();
    expect(screen.getByRole('combobox', { name: 'Sales at 5%' })).toHaveValue('');
    await user.click(screen.getByRole('button', { name: 'Accept all suggestions (1)' }));
    expect(screen.getByRole('combobox', { name: 'Sales at 5%' })).toHaveValue('Reduced 5%');

    await next(user, 'Payments');
    await user.click(screen.getByRole('button', { name: 'Accept all suggestions (3)' }));
    expect(screen.getByRole('combobox', { name: 'Card payments' })).toHaveValue('Card clearing');
    expect(screen.getByRole('combobox', { name: 'Cash payments' })).toHaveValue('Cash clearing');
    expect(screen.getByRole('combobox', { name: 'Payouts' })).toHaveValue('Business bank account');

    await next(user, 'Fees');
    await user.click(screen.getByRole('checkbox', { name: 'Post payment fees' }));
    await user.click(screen.getByRole('button', { name: 'Accept all suggestions (2)' }));
    expect(screen.getByRole('combobox', { name: 'Payment fees' })).toHaveValue('Payment processing fees');
    expect(screen.getByRole('combobox', { name: 'Payment fee refunds' })).toHaveValue('Payment fee refunds');

    await next(user, 'Schedule');
    await next(user, 'Review');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(state.configuration.configured).toBe(true));
    const saved = state.configuration.configuration!;
    expect(saved.sales!.accounts!.sales!.selectedAccountId).toBe('acc-4000');
    expect(saved.sales!.accounts!.prepaid!.selectedAccountId).toBe('acc-2300');
    expect(saved.sales!.taxRates!['20']!.selectedTaxRateId).toBe('tax-20');
    expect(saved.payments!.accounts!.payout!.selectedAccountId).toBe('acc-1200');
    expect(saved.fees!.accounts!.paymentFeeRefund!.selectedAccountId).toBe('acc-6110');
  });

  it('never saves a suggestion the merchant did not accept', async () => {
    mockBff({ scenario: 'connected' });
    const { user } = renderWidget(<ConfigurationWizard />);
    await screen.findByRole('heading', { name: 'Output', level: 3 });
    await user.click(screen.getByRole('radio', { name: 'One journal a day' }));
    await next(user, 'Sales accounts');
    // Next without accepting: the required Sales row is still empty, so the step does not move on.
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Sales' })).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByRole('heading', { name: 'Sales accounts', level: 3 })).toBeInTheDocument();
  });

  it('speaks French', async () => {
    mockBff({ scenario: 'connected' });
    const { user, container } = renderWidget(<ConfigurationWizard defaultStep="payments" />, { locale: 'fr-FR' });
    expect(await screen.findByRole('heading', { name: 'Paiements', level: 3 })).toBeInTheDocument();
    const bar = container.querySelector<HTMLElement>('[data-part="suggestions-bar"]')!;
    expect(within(bar).getByRole('button', { name: 'Accepter toutes les suggestions (3)' })).toBeInTheDocument();
    expect(screen.getAllByText('Suggéré')).toHaveLength(3);
    await user.click(screen.getByRole('button', { name: /^Utiliser la suggestion Card clearing \(1210\) pour/ }));
    expect(screen.getAllByText('Suggéré')).toHaveLength(2);
    await expectNoAxeViolations(container);
  });
});
