import { act, screen, waitFor, within } from '@testing-library/react';
import type userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommerceSync } from '../../src/widget/index.js';
import { completeAuthorization } from '../mocks/bff/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';

useMswServer();

type User = ReturnType<typeof userEvent.setup>;

/** Presses Tab (or Shift+Tab) until the element has focus; fails after 60 presses. */
async function tabTo(user: User, find: () => HTMLElement, backwards = false): Promise<HTMLElement> {
  for (let i = 0; i < 60; i++) {
    const target = find();
    if (document.activeElement === target) return target;
    await user.keyboard(backwards ? '{Shift>}{Tab}{/Shift}' : '{Tab}');
  }
  throw new Error(`Could not reach ${find().outerHTML.slice(0, 120)} with Tab.`);
}

/** Chooses a combobox option with the keyboard only. */
async function typeAndPick(user: User, name: string, search: string): Promise<void> {
  await tabTo(user, () => screen.getByRole('combobox', { name }));
  await user.keyboard(search);
  expect(within(screen.getByRole('listbox', { name })).getAllByRole('option')[0]).toHaveTextContent(search);
  await user.keyboard('{Enter}');
  expect((screen.getByRole('combobox', { name }) as HTMLInputElement).value).toContain(search);
}

async function nextStep(user: User, heading: string): Promise<void> {
  await tabTo(user, () => screen.getByRole('button', { name: 'Next' }));
  await user.keyboard('{Enter}');
  expect(await screen.findByRole('heading', { name: heading, level: 3 })).toHaveFocus();
}

describe('the whole journey', { timeout: 120_000 }, () => {
  let popup: { closed: boolean; location: { href: string }; close: () => void; resizeTo: () => void };
  beforeEach(() => {
    popup = { closed: false, location: { href: 'about:blank' }, close: () => (popup.closed = true), resizeTo: () => undefined };
    vi.spyOn(window, 'open').mockImplementation(() => popup as unknown as Window);
  });
  afterEach(() => vi.restoreAllMocks());

  it('completes with the keyboard only, in a dialog', async () => {
    const state = mockBff();
    const events: string[] = [];
    const onConfigured = vi.fn();
    const onPaused = vi.fn();
    const onDeleted = vi.fn();
    const { user, container } = renderWidget(<CommerceSync mode="dialog" now={() => new Date('2026-11-28T10:00:00Z')} />, {
      onEvent: (name) => events.push(name),
      onConfigured,
      onPaused,
      onDeleted,
    });

    // Open the dialog.
    await tabTo(user, () => screen.getByRole('button', { name: 'Set up accounting sync' }));
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Accounting sync' });
    expect(dialog.closest('[data-cs-root]')).not.toBeNull();

    // Pick the platform from the list with arrows.
    await tabTo(user, () => screen.getByRole('searchbox', { name: 'Search accounting software' }));
    await user.keyboard('sand{ArrowDown}');
    expect(screen.getByRole('option', { name: /Sandbox/ })).toHaveFocus();
    await expectNoAxeViolations(container);
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: 'Connect Sandbox ledger' })).toHaveFocus();

    // Authorise in the popup.
    await tabTo(user, () => screen.getByRole('button', { name: 'Connect Sandbox ledger' }));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(popup.location.href).toMatch(/oauth\/authorize/));
    const message = completeAuthorization(state, 'connected');
    act(() => window.dispatchEvent(new MessageEvent('message', { data: message, origin: window.location.origin })));
    expect(await screen.findByRole('heading', { name: 'Set up your sync' })).toHaveFocus();

    // The wizard.
    await tabTo(user, () => screen.getByRole('radio', { name: 'One journal a day' }));
    await user.keyboard(' ');
    expect(screen.getByRole('radio', { name: 'One journal a day' })).toBeChecked();
    await nextStep(user, 'Sales accounts');
    await typeAndPick(user, 'Sales', 'Sales');
    await typeAndPick(user, 'Refunds', 'Refunds');
    await nextStep(user, 'Tax rates');
    await typeAndPick(user, 'Sales at 20%', 'Standard');
    await typeAndPick(user, 'Sales at 5%', 'Reduced');
    await nextStep(user, 'Payments');
    await typeAndPick(user, 'Card payments', 'Card clearing');
    await typeAndPick(user, 'Cash payments', 'Cash clearing');
    await typeAndPick(user, 'Payouts', 'Business bank');
    await nextStep(user, 'Fees');
    await nextStep(user, 'Schedule');
    await typeAndPick(user, 'Time zone', 'Europe/London');
    await nextStep(user, 'Review');
    await expectNoAxeViolations(container);
    await tabTo(user, () => screen.getByRole('button', { name: 'Save' }));
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: 'Sync settings' })).toHaveFocus();
    expect(onConfigured).toHaveBeenCalledWith({ outputFormat: 'JournalEntry' });

    // Pause with the switch.
    const toggle = await tabTo(user, () => screen.getByRole('switch', { name: 'Daily sync' }));
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    await user.keyboard(' ');
    await waitFor(() => expect(toggle).toHaveAttribute('aria-checked', 'false'));
    expect(onPaused).toHaveBeenCalled();

    // Delete: the alert dialog focuses Cancel; Tab reaches Delete.
    await tabTo(user, () => screen.getByRole('button', { name: 'Delete sync' }));
    await user.keyboard('{Enter}');
    const alert = await screen.findByRole('alertdialog', { name: 'Delete the sync?' });
    expect(within(alert).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await expectNoAxeViolations(container);
    await user.keyboard('{Tab}');
    expect(within(alert).getByRole('button', { name: 'Delete' })).toHaveFocus();
    // Focus stays inside the alert dialog.
    await user.keyboard('{Tab}');
    expect(within(alert).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Shift>}{Tab}{/Shift}{Enter}');
    await waitFor(() => expect(onDeleted).toHaveBeenCalled());
    expect(await screen.findByRole('heading', { name: 'Choose your accounting software' })).toHaveFocus();

    expect(events).toEqual(
      expect.arrayContaining(['widget_opened', 'platform_selected', 'authorization_started', 'authorization_connected', 'wizard_step_viewed', 'configuration_saved', 'sync_paused', 'company_deleted']),
    );
    expect(state.connection.status).toBe('NotConnected');
  });
});
