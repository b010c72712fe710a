import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConfigurationWizard } from '../../src/widget/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';
import { choose } from './wizard-helpers.js';

useMswServer();

describe('plain words in the wizard', { timeout: 60_000 }, () => {
  it('explains clearing account, liability, gratuity and payout in a dialog reachable from every step, by keyboard', async () => {
    mockBff({ scenario: 'configured' });
    const { user, container } = renderWidget(<ConfigurationWizard platformName="Sandbox ledger" defaultStep="payments" />);
    await screen.findByRole('heading', { name: 'Payments', level: 3 });
    const trigger = screen.getByRole('button', { name: 'What do these words mean?' });
    trigger.focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Words used here' });
    for (const term of ['Clearing account', 'Liability', 'Gratuity', 'Payout']) expect(within(dialog).getByText(term)).toBeInTheDocument();
    expect(within(dialog).getByText(/holding account for money on its way to your bank/)).toBeInTheDocument();
    await expectNoAxeViolations(container);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(trigger).toHaveFocus();
    // The same help is on every other step.
    for (const step of ['Output', 'Sales accounts', 'Tax rates', 'Fees', 'Schedule', 'Review']) {
      await user.click(screen.getByRole('button', { name: step }));
      await screen.findByRole('heading', { name: step, level: 3 });
      expect(screen.getByRole('button', { name: 'What do these words mean?' })).toBeInTheDocument();
    }
  });

  it('names the real cut-off of a day in the chosen time zone, in every locale', async () => {
    mockBff({ scenario: 'configured' });
    const { user } = renderWidget(<ConfigurationWizard platformName="Sandbox ledger" defaultStep="schedule" />);
    expect(await screen.findByText('Each day runs from 00:00 to 24:00 London time.')).toBeInTheDocument();
    await choose(user, 'Time zone', 'America/Vancouver');
    expect(await screen.findByText('Each day runs from 00:00 to 24:00 Vancouver time.')).toBeInTheDocument();
  });

  it('in French', async () => {
    mockBff({ scenario: 'configured' });
    renderWidget(<ConfigurationWizard platformName="Sandbox" defaultStep="schedule" />, { locale: 'fr-FR' });
    expect(await screen.findByText('Chaque journée va de 00 h 00 à 24 h 00, heure de London.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Que veulent dire ces mots ?' })).toBeInTheDocument();
  });
});
