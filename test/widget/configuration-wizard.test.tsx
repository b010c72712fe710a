import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { ConfigurationWizard } from '../../src/widget/index.js';
import { bffError, bffUrl } from '../mocks/bff/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, server, useMswServer } from './helpers.js';
import { choose, fillWizard, next } from './wizard-helpers.js';

useMswServer();

describe('ConfigurationWizard', { timeout: 60_000 }, () => {
  it('walks every step, validates required rows, and saves what the review shows', async () => {
    const state = mockBff({ scenario: 'connected' });
    const onConfigured = vi.fn();
    const onSaved = vi.fn();
    const { user, container } = renderWidget(<ConfigurationWizard onSaved={onSaved} platformName="Sandbox ledger" />, { onConfigured });
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    expect(await screen.findByRole('heading', { name: 'Output', level: 3 })).toBeInTheDocument();
    expect(screen.getByText('You choose this once: it cannot be changed after the first save.')).toBeInTheDocument();
    await expectNoAxeViolations(container);

    // Next without a choice shows the error on the field.
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Choose a value for Output.')).toBeInTheDocument();
    const group = screen.getByRole('radiogroup', { name: /How should each day be posted/ });
    expect(group).toHaveAttribute('aria-invalid', 'true');
    expect(group).toHaveAccessibleDescription(/Choose a value for Output/);
    await user.click(screen.getByRole('radio', { name: 'One journal a day' }));
    await next(user, 'Sales accounts');

    // Required rows carry a marker, and block Next until chosen.
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const sales = screen.getByRole('combobox', { name: 'Sales' });
    await waitFor(() => expect(sales).toHaveAttribute('aria-invalid', 'true'));
    expect(sales).toHaveFocus();
    expect(sales).toHaveAccessibleDescription('Choose a value for Sales. Income account sales are posted to.');
    expect(sales).toHaveAttribute('aria-required', 'true');
    expect(screen.getByRole('combobox', { name: /Gratuity/ })).not.toHaveAttribute('aria-required');
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('heading', { name: 'Output', level: 3 })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('heading', { name: 'Sales accounts', level: 3 });

    await choose(user, 'Sales', 'Sales');
    await choose(user, 'Refunds', 'Refunds');
    expect(screen.getByRole('combobox', { name: 'Sales' })).toHaveValue('Sales');
    await next(user, 'Tax rates');
    await choose(user, 'Sales at 20%', 'Standard 20%');
    await choose(user, 'Sales at 5%', 'Reduced 5%');
    await expectNoAxeViolations(container);
    await next(user, 'Payments');
    await choose(user, 'Card payments', 'Card clearing');
    await choose(user, 'Cash payments', 'Cash clearing');
    await choose(user, 'Payouts', 'Business bank');
    await next(user, 'Fees');
    expect(screen.queryByRole('combobox', { name: /Fee supplier/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'Post payment fees' }));
    // Journal mode: fees are lines of the journal, not a bill, so no supplier is asked for.
    expect(screen.queryByRole('combobox', { name: /Fee supplier/ })).not.toBeInTheDocument();
    await choose(user, 'Payment fees', 'Payment processing fees');
    await choose(user, 'Payment fee refunds', 'Payment fee refunds');
    await expectNoAxeViolations(container);
    await next(user, 'Schedule');

    // Sync hour defaults to local midnight; the time zone is searchable.
    expect(screen.getByRole('combobox', { name: /Sync time/ })).toHaveValue('0');
    await user.clear(screen.getByLabelText(/First day to sync/));
    await user.type(screen.getByLabelText(/First day to sync/), '2026-12-01');
    await choose(user, 'Time zone', 'Europe/Paris');
    await user.selectOptions(screen.getByRole('combobox', { name: /Sync time/ }), '3');
    await expectNoAxeViolations(container);
    await next(user, 'Review');

    const summary = screen.getByText(/Every day at/);
    expect(summary).toHaveTextContent('Every day at 3:00 AM (Europe/Paris), starting with Dec 1, 2026, one journal per currency is posted to Sandbox ledger.');
    expect(screen.getByText('Payment fees and fee refunds are posted as lines of the daily journal.')).toBeInTheDocument();
    const table = screen.getAllByRole('table')[0]!;
    expect(within(table).getByRole('row', { name: /^Payouts/ })).toHaveTextContent('Business bank account');
    expect(within(table).getByRole('row', { name: /Gratuity/ })).toHaveTextContent('Not set');
    await expectNoAxeViolations(container);

    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Your sync settings are saved.')).toBeInTheDocument();
    expect(onConfigured).toHaveBeenCalledWith({ outputFormat: 'JournalEntry' });
    expect(onSaved).toHaveBeenCalledTimes(1);
    const saved = state.requests.find((r) => r.route === 'saveConfiguration')?.body;
    expect(saved).toMatchObject({
      enabled: true,
      schedule: { startDate: '2026-12-01', syncHour: 3, timeZone: 'Europe/Paris', selectedFrequency: 'Daily' },
      configuration: {
        mapSettings: { outputFormat: 'JournalEntry', outputMode: 'JournalEntry' },
        sales: { accounts: { sales: { selectedAccountId: 'acc-4000' }, gratuity: { selectedAccountId: null } }, taxRates: { '20': { selectedTaxRateId: 'tax-20' } } },
        payments: { accounts: { payout: { selectedAccountId: 'acc-1200' } } },
        fees: { syncFees: true, accounts: { paymentFee: { selectedAccountId: 'acc-6100' } } },
      },
    });
    // Options are not sent back: the server refills them.
    expect(JSON.stringify(saved)).not.toContain('accountOptions');
    expect(state.configuration.configured).toBe(true);
  });

  it('puts server validation errors on the fields they concern and opens that step', async () => {
    mockBff({ scenario: 'connected' });
    const { user, container } = renderWidget(<ConfigurationWizard />);
    await screen.findByRole('heading', { name: 'Output', level: 3 });
    await fillWizard(user);
    await next(user, 'Review');
    server.use(
      http.put(bffUrl('saveConfiguration'), () =>
        bffError(422, 'validation_failed', 'Some settings need attention.', [
          { itemId: 'configuration.payments.accounts.payout.selectedAccountId', message: 'The payout account must differ from the card account.', validatorName: 'distinctAccounts' },
          { itemId: 'configuration.fees', message: 'Fees need payments configured.', validatorName: 'feesNeedPayments' },
        ]),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('heading', { name: 'Payments', level: 3 })).toBeInTheDocument();
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Some settings need attention before they can be saved.');
    expect(alert).toHaveTextContent('Fees need payments configured.');
    const payout = screen.getByRole('combobox', { name: 'Payouts' });
    expect(payout).toHaveAttribute('aria-invalid', 'true');
    expect(payout).toHaveAccessibleDescription('The payout account must differ from the card account. Bank account the payment processor’s payouts land in.');
    await expectNoAxeViolations(container);
  });

  it('applies the shared configuration rules on the field before anything is sent', async () => {
    const state = mockBff({ scenario: 'connected' });
    const { user } = renderWidget(<ConfigurationWizard />);
    await screen.findByRole('heading', { name: 'Output', level: 3 });
    await user.click(screen.getByRole('radio', { name: 'One journal a day' }));
    await next(user, 'Sales accounts');
    await choose(user, 'Sales', 'Sales');
    await choose(user, 'Refunds', 'Refunds');
    await next(user, 'Tax rates');
    await choose(user, 'Sales at 20%', 'Standard 20%');
    await choose(user, 'Sales at 5%', 'Reduced 5%');
    await next(user, 'Payments');
    // Card payments and payouts in the same account break validateConfiguration's card_equals_payout rule.
    await choose(user, 'Card payments', 'Business bank');
    await choose(user, 'Cash payments', 'Cash clearing');
    await choose(user, 'Payouts', 'Business bank');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const payout = screen.getByRole('combobox', { name: 'Payouts' });
    await waitFor(() => expect(payout).toHaveAttribute('aria-invalid', 'true'));
    expect(payout).toHaveAccessibleDescription(/Payouts must land in a different account from card payments/);
    expect(screen.getByRole('heading', { name: 'Payments', level: 3 })).toBeInTheDocument();
    await choose(user, 'Card payments', 'Card clearing');
    await next(user, 'Fees');
    expect(state.requests.some((r) => r.route === 'saveConfiguration')).toBe(false);
  });

  it('speaks the merchant\'s language for rule problems, from the shared rules and from the server', async () => {
    mockBff({ scenario: 'configured' });
    const { user, container } = renderWidget(<ConfigurationWizard defaultStep="payments" />, { locale: 'fr-FR' });
    expect(await screen.findByRole('heading', { name: 'Paiements', level: 3 })).toBeInTheDocument();
    // Before anything is sent: card payments and payouts in one account break card_equals_payout.
    await choose(user, 'Versements', 'Card clearing');
    await user.click(screen.getByRole('button', { name: 'Suivant' }));
    const payout = screen.getByRole('combobox', { name: 'Versements' });
    await waitFor(() => expect(payout).toHaveAttribute('aria-invalid', 'true'));
    expect(payout).toHaveAccessibleDescription(/^Les versements doivent arriver sur un autre compte que les paiements par carte.+ Compte bancaire sur lequel arrivent les versements du prestataire de paiement\.$/);
    // Row labels and help texts are the merchant's language too, not the service's English.
    expect(screen.getByRole('combobox', { name: 'Paiements par carte' })).toHaveAccessibleDescription('Compte d’attente ou bancaire qui reçoit les paiements par carte.');
    await choose(user, 'Versements', 'Business bank');

    // From the server (English texts, stable codes): translated by code, placed on the field.
    server.use(
      http.put(bffUrl('saveConfiguration'), () =>
        bffError(422, 'validation_failed', 'Some settings need attention.', [
          { itemId: 'configuration.sales.accounts.refund.selectedAccountId', validatorName: 'selection_not_an_option', message: 'The account chosen for “Refunds” is no longer available in Sandbox ledger (deleted or archived). Choose another account.' },
          { itemId: 'connections', validatorName: 'connections_not_linked', message: 'Connect your sales platform before configuring the sync.' },
          { itemId: 'configuration.sales.somethingNew', validatorName: 'rule_from_a_newer_service', message: 'A newer service says so.' },
        ]),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Vérification' }));
    await user.click(await screen.findByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByRole('heading', { name: 'Comptes de ventes', level: 3 })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Remboursements' })).toHaveAccessibleDescription(
      /^Le choix pour « Remboursements » n’est plus disponible dans .+ \(supprimé ou archivé\)\. Choisissez-en un autre\. Compte des remboursements ; laissez vide pour utiliser le compte des ventes\.$/,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(/Connectez votre plateforme de vente et .+ avant de configurer la synchronisation\./);
    // A code this widget does not know keeps the server's text.
    expect(alert).toHaveTextContent('A newer service says so.');
    await expectNoAxeViolations(container);
  });

  it('uses the mock BFF validation for an account that left the ledger', async () => {
    const state = mockBff({ scenario: 'connected' });
    const { user } = renderWidget(<ConfigurationWizard />);
    await screen.findByRole('heading', { name: 'Output', level: 3 });
    await fillWizard(user);
    await next(user, 'Review');
    // The merchant deleted the refunds account in the ledger meanwhile.
    const refund = state.configuration.configuration!.sales!.accounts!.refund!;
    refund.accountOptions = refund.accountOptions!.filter((o) => o.id !== 'acc-4010');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('heading', { name: 'Sales accounts', level: 3 })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Refunds' })).toHaveAccessibleDescription('This account is no longer in your ledger. Choose another. Account refunds are posted to; leave empty to use the sales account.');
  });

  it('locks the output mode after the first save, with the reason', async () => {
    mockBff({ scenario: 'configured' });
    const { container } = renderWidget(<ConfigurationWizard />);
    expect(await screen.findByText(/cannot be changed, so days already posted stay consistent/)).toBeInTheDocument();
    expect(screen.queryByRole('radio')).not.toBeInTheDocument();
    expect(screen.getByText('One journal a day')).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('opens on a given step with the saved choices', async () => {
    mockBff({ scenario: 'configured' });
    renderWidget(<ConfigurationWizard defaultStep="payments" />);
    expect(await screen.findByRole('heading', { name: 'Payments', level: 3 })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Card payments' })).toHaveValue('Card clearing');
    expect(screen.getByRole('button', { name: 'Payments' })).toHaveAttribute('aria-current', 'step');
  });

  it('maps tax components, grouping those sent to one ledger rate', async () => {
    const state = mockBff({ scenario: 'connected', taxComponents: true });
    const { user } = renderWidget(<ConfigurationWizard />);
    await screen.findByRole('heading', { name: 'Output', level: 3 });
    await user.click(screen.getByRole('radio', { name: 'An invoice and payments a day' }));
    await next(user, 'Sales accounts');
    await choose(user, 'Sales', 'Sales');
    await choose(user, 'Refunds', 'Refunds');
    await choose(user, 'Sales customer', 'Daily sales');
    await next(user, 'Tax rates');
    await choose(user, 'Sales at 20%', 'Standard 20%');
    await choose(user, 'Sales at 5%', 'Reduced 5%');
    await choose(user, 'Component GST 5%', 'Reduced 5%');
    await choose(user, 'Component PST 7%', 'Reduced 5%');
    await next(user, 'Payments');
    await choose(user, 'Card payments', 'Card clearing');
    await choose(user, 'Cash payments', 'Cash clearing');
    await choose(user, 'Payouts', 'Business bank');
    await next(user, 'Fees');
    await next(user, 'Schedule');
    await next(user, 'Review');
    expect(screen.getByText(/one sales invoice, a credit note for refunds/)).toBeInTheDocument();
    expect(screen.getByText('Payment fees are not posted.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Your sync settings are saved.');
    const saved = state.requests.find((r) => r.route === 'saveConfiguration')?.body as { configuration: { mapSettings: unknown; sales: { newTaxRates: unknown; salesCustomer: unknown } } };
    // Codat's outputFormat enum has only JournalEntry: the invoice mode travels in outputMode.
    expect(saved.configuration.mapSettings).toEqual({ outputFormat: 'JournalEntry', outputMode: 'Invoice' });
    expect(state.configuration.configuration?.mapSettings).toEqual({ outputFormat: 'JournalEntry', outputMode: 'Invoice' });
    expect(saved.configuration.sales.newTaxRates).toEqual({ taxRateMappings: [{ selectedCommerceTaxRateIds: ['gst', 'pst'], selectedAccountingTaxRateId: 'tax-5' }], selectedDefaultZeroTaxRateId: null });
    expect(saved.configuration.sales.salesCustomer).toEqual({ selectedCustomerId: 'cust-1' });
  });

  it('asks before discarding unsaved changes', async () => {
    mockBff({ scenario: 'configured' });
    const onCancel = vi.fn();
    const { user, container } = renderWidget(<ConfigurationWizard defaultStep="sales" onCancel={onCancel} />);
    await screen.findByRole('heading', { name: 'Sales accounts', level: 3 });
    await choose(user, 'Sales', 'Gratuities');
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    await user.click(cancel);
    const dialog = await screen.findByRole('alertdialog', { name: 'Discard your changes?' });
    expect(within(dialog).getByRole('button', { name: 'Keep editing' })).toHaveFocus();
    await expectNoAxeViolations(container);
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(cancel).toHaveFocus();
    expect(onCancel).not.toHaveBeenCalled();
    await user.click(cancel);
    await user.click(await screen.findByRole('button', { name: 'Discard changes' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('cancels at once when nothing changed', async () => {
    mockBff({ scenario: 'configured' });
    const onCancel = vi.fn();
    const { user } = renderWidget(<ConfigurationWizard onCancel={onCancel} />);
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('shows a loading error with a retry', async () => {
    mockBff({ scenario: 'connected' });
    let failing = true;
    server.use(http.get(bffUrl('getConfiguration'), () => (failing ? bffError(500, 'internal_error', 'Something failed.') : undefined)));
    const { user } = renderWidget(<ConfigurationWizard />);
    const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
    failing = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Output', level: 3 })).toBeInTheDocument();
  });
});
