import type { Meta, StoryObj } from '@storybook/react-vite';
import { Authorization } from '../src/widget/index.js';
import { bff, failing } from './mock-bff.js';

const meta = {
  title: 'Widget/Authorization',
  component: Authorization,
  args: { platform: { key: 'sandbox', name: 'Sandbox ledger' }, onBack: () => undefined },
  parameters: bff(),
} satisfies Meta<typeof Authorization>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Ready to open the consent popup (falls back to a redirect when popups are blocked). */
export const Ready: Story = {};
/** Back from the consent page after pressing Deny. */
export const Denied: Story = { args: { initialResult: { outcome: 'denied', reason: 'access_denied', authorizationId: 'auth-1', platformKey: 'sandbox' } } };
/** The platform failed while exchanging the code. */
export const Failed: Story = { args: { initialResult: { outcome: 'error', reason: 'exchange_failed', authorizationId: 'auth-1', platformKey: 'sandbox' } } };
/** Back from a redirect that connected. */
export const Connected: Story = { args: { initialResult: { outcome: 'connected', reason: null, authorizationId: 'auth-1', platformKey: 'sandbox' } } };
/** Starting fails (the BFF is down): pressing Connect shows the error and a way back. */
export const StartFails: Story = { parameters: bff({}, undefined, [failing('startAuthorization', 'post')]) };
