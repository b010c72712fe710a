import type { Meta, StoryObj } from '@storybook/react-vite';
import { SyncSettings } from '../src/widget/index.js';
import { bff, failing, pending } from './mock-bff.js';

const now = () => new Date('2026-11-28T10:00:00Z');

const meta = {
  title: 'Widget/SyncSettings',
  component: SyncSettings,
  args: { now, onEditMapping: () => undefined, onReconnect: () => undefined },
  parameters: bff({ scenario: 'configured' }),
} satisfies Meta<typeof SyncSettings>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Syncing every day, recent runs posted. */
export const Healthy: Story = {};
/** Paused by the merchant. */
export const Paused: Story = { parameters: bff({ scenario: 'paused' }) };
/** Failing days with the merchant message and a link to the step that fixes each. */
export const Failing: Story = { parameters: bff({ scenario: 'failing' }) };
/** Configured, no run yet. */
export const NoHistory: Story = { parameters: bff({ scenario: 'configured' }, (s) => (s.history = [])) };
/** Waiting for the status. */
export const Loading: Story = { parameters: bff({ scenario: 'configured' }, undefined, [pending('getSyncStatus')]) };
/** The status failed to load. */
export const LoadError: Story = { parameters: bff({ scenario: 'configured' }, undefined, [failing('getSyncStatus')]) };
/** Deleting hangs: open Delete sync and confirm to see the busy state. */
export const DeletePending: Story = { parameters: bff({ scenario: 'configured' }, undefined, [pending('deleteCompany', 'delete')]) };
