import type { Meta, StoryObj } from '@storybook/react-vite';
import { http } from 'msw';
import { ConfigurationWizard } from '../src/widget/index.js';
import { bffError, bffUrl } from '../test/mocks/bff/index.js';
import { bff, failing, pending } from './mock-bff.js';

const meta = {
  title: 'Widget/ConfigurationWizard',
  component: ConfigurationWizard,
  args: { platformName: 'Sandbox ledger', onCancel: () => undefined },
  parameters: bff({ scenario: 'connected' }),
} satisfies Meta<typeof ConfigurationWizard>;
export default meta;
type Story = StoryObj<typeof meta>;

/** First setup: nothing chosen, the output mode is still open. */
export const FirstSetup: Story = {};
/** Editing after the first save: output mode locked with the reason. */
export const Configured: Story = { parameters: bff({ scenario: 'configured' }) };
/** Each step of a saved configuration. */
export const SalesStep: Story = { args: { defaultStep: 'sales' }, parameters: bff({ scenario: 'configured' }) };
export const TaxRatesStep: Story = { args: { defaultStep: 'taxRates' }, parameters: bff({ scenario: 'configured', taxComponents: true }) };
export const PaymentsStep: Story = { args: { defaultStep: 'payments' }, parameters: bff({ scenario: 'configured' }) };
export const FeesStep: Story = { args: { defaultStep: 'fees' }, parameters: bff({ scenario: 'configured' }) };
export const ScheduleStep: Story = { args: { defaultStep: 'schedule' }, parameters: bff({ scenario: 'configured' }) };
export const Review: Story = { args: { defaultStep: 'review' }, parameters: bff({ scenario: 'configured' }) };
/** 5,000 accounts in every select: filtering stays instant, at most 30 options rendered. */
export const ManyAccounts: Story = { args: { defaultStep: 'sales' }, parameters: bff({ scenario: 'configured', accounts: 5000 }) };
/** Saving is refused: the errors land on their fields (press Save). */
export const ServerValidationErrors: Story = {
  args: { defaultStep: 'review' },
  parameters: bff({ scenario: 'configured' }, undefined, [
    http.put(bffUrl('saveConfiguration'), () =>
      bffError(422, 'validation_failed', 'Some settings need attention.', [
        { itemId: 'configuration.payments.accounts.payout.selectedAccountId', message: 'The payout account must differ from the card account.', validatorName: 'distinctAccounts' },
        { itemId: 'configuration.sales.accounts.sales.selectedAccountId', message: 'This account is archived in Sandbox ledger. Choose another.', validatorName: 'option' },
      ]),
    ),
  ]),
};
/** Waiting for the configuration. */
export const Loading: Story = { parameters: bff({ scenario: 'connected' }, undefined, [pending('getConfiguration')]) };
/** The configuration failed to load. */
export const LoadError: Story = { parameters: bff({ scenario: 'connected' }, undefined, [failing('getConfiguration')]) };
