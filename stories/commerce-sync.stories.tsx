import type { Meta, StoryObj } from '@storybook/react-vite';
import { CommerceSync } from '../src/widget/index.js';
import { bff } from './mock-bff.js';

const meta = {
  title: 'Widget/CommerceSync',
  component: CommerceSync,
  args: { now: () => new Date('2026-11-28T10:00:00Z'), returnUrl: 'http://localhost:6006/' },
  parameters: bff(),
} satisfies Meta<typeof CommerceSync>;
export default meta;
type Story = StoryObj<typeof meta>;

/** A new merchant, inline: pick, connect, configure, manage. */
export const NewMerchant: Story = {};
/** The same journey in a dialog opened by a button. */
export const InDialog: Story = { args: { mode: 'dialog' } };
/** Connected, not configured: starts in the wizard. */
export const Connected: Story = { parameters: bff({ scenario: 'connected' }) };
/** Configured: starts in the settings. */
export const Configured: Story = { parameters: bff({ scenario: 'configured' }) };
/** Back from a redirect where consent was denied. */
export const RedirectDenied: Story = {
  args: { returnUrl: 'http://localhost:6006/?commerceSync=denied&reason=access_denied' },
  parameters: bff({}, (s) => (s.connection = { ...s.connection, status: 'PendingAuth', platform: { key: 'sandbox', name: 'Sandbox ledger' } })),
};
/** The session token expired: the widget asks the host for a fresh one and carries on. */
export const ExpiredSession: Story = {
  parameters: {
    ...bff({ scenario: 'configured' }, (s) => {
      s.expiredTokens.add('expired-token');
      s.validTokens.add('fresh-token');
    }),
    commerceSync: { sessionToken: 'expired-token', getSessionToken: async () => 'fresh-token' },
  },
};
