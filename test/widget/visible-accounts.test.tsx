import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConfigurationWizard } from '../../src/widget/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';

useMswServer();

// The fixture (test/mocks/bff/fixtures.ts): sales rows Sales and Refunds required, Gratuity and
// Gift cards optional; configured selections gratuity acc-4020, prepaid acc-2300.
describe("the partner's visible accounts in the wizard", { timeout: 60_000 }, () => {
  it('hides the optional rows not listed for the connected platform, keeps required ones and the hidden rows’ selections', async () => {
    const state = mockBff({ scenario: 'configured' });
    const { user, container } = renderWidget(<ConfigurationWizard defaultStep="sales" platformKey="sandbox" />, {
      visibleAccounts: { sandbox: ['cash', 'payout'], xero: null },
    });
    await screen.findByRole('heading', { name: 'Sales accounts', level: 3 });
    expect(screen.getByRole('combobox', { name: 'Sales' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Refunds' })).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: /Gratuity/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: /Gift cards/ })).not.toBeInTheDocument();
    await expectNoAxeViolations(container);

    await user.click(within(screen.getByRole('navigation', { name: 'Setup steps' })).getByRole('button', { name: 'Review' }));
    await screen.findByRole('heading', { name: 'Review', level: 3 });
    const reviewed = screen.getAllByRole('rowheader').map((cell) => cell.textContent);
    expect(reviewed).toContain('Cash payments');
    expect(reviewed).not.toContain('Gratuity (tips)');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Your sync settings are saved.');
    const saved = state.requests.find((r) => r.route === 'saveConfiguration')?.body as { configuration: { sales: { accounts: Record<string, { selectedAccountId: string | null }> } } };
    // Hidden is not cleared: the saved selections of hidden rows go back unchanged.
    expect(saved.configuration.sales.accounts.gratuity?.selectedAccountId).toBe('acc-4020');
    expect(saved.configuration.sales.accounts.prepaid?.selectedAccountId).toBe('acc-2300');
  });

  it('shows every row when the connected platform has no list (or null)', async () => {
    mockBff({ scenario: 'configured' });
    renderWidget(<ConfigurationWizard defaultStep="sales" platformKey="xero" />, { visibleAccounts: { sandbox: ['cash'], xero: null } });
    await screen.findByRole('heading', { name: 'Sales accounts', level: 3 });
    expect(screen.getByRole('combobox', { name: /Gratuity/ })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: /Gift cards/ })).toBeInTheDocument();
  });
});
