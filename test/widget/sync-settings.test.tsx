import { screen, waitFor, within } from '@testing-library/react';
import { delay, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { SyncSettings } from '../../src/widget/index.js';
import { nextSyncAt } from '../../src/widget/sync-settings/next-sync.js';
import { bffError, bffUrl, syncRunFixture } from '../mocks/bff/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, server, useMswServer } from './helpers.js';
import { catalogFrFR } from '../../src/widget/i18n/catalog-messages.js';

useMswServer();

const now = () => new Date('2026-11-28T10:00:00Z');

describe('SyncSettings', { timeout: 30_000 }, () => {
  it('shows the switch, last and next sync, and the history', async () => {
    mockBff({ scenario: 'configured' });
    const { container } = renderWidget(<SyncSettings now={now} />, { locale: 'en-GB' });
    const toggle = await screen.findByRole('switch', { name: 'Daily sync' });
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    expect(toggle).toHaveAttribute('data-state', 'checked');
    expect(screen.getByText('Connected to Sandbox ledger · Bistro Ltd')).toBeInTheDocument();
    // Next run: 02:00 Europe/London on the 29th.
    expect(screen.getByText('Next sync').nextElementSibling).toHaveTextContent('29 Nov 2026, 02:00 GMT');
    expect(screen.getByText('Last sync').nextElementSibling).toHaveTextContent('27 Nov 2026, 02:05 GMT · Posted');
    const items = await screen.findAllByRole('listitem');
    expect(items.map((i) => i.getAttribute('data-state'))).toEqual(['success', 'empty', 'success', 'success']);
    expect(items[1]).toHaveTextContent('25 Nov 2026Nothing to post');
    await expectNoAxeViolations(container);
  });

  it('pauses and resumes', async () => {
    const state = mockBff({ scenario: 'configured' });
    const onPaused = vi.fn();
    const onResumed = vi.fn();
    const { user, container } = renderWidget(<SyncSettings now={now} />, { onPaused, onResumed });
    const toggle = await screen.findByRole('switch', { name: 'Daily sync' });
    await user.click(toggle);
    await waitFor(() => expect(toggle).toHaveAttribute('aria-checked', 'false'));
    expect(onPaused).toHaveBeenCalledTimes(1);
    expect(state.configuration.enabled).toBe(false);
    expect(toggle).toHaveTextContent('Paused');
    await waitFor(() => expect(screen.getByText('Next sync').nextElementSibling).toHaveTextContent('Paused'));
    await expectNoAxeViolations(container);
    await user.click(toggle);
    await waitFor(() => expect(toggle).toHaveAttribute('aria-checked', 'true'));
    expect(onResumed).toHaveBeenCalledTimes(1);
  });

  it('shows a paused sync as paused', async () => {
    mockBff({ scenario: 'paused' });
    const { container } = renderWidget(<SyncSettings now={now} />);
    const toggle = await screen.findByRole('switch', { name: 'Daily sync' });
    expect(toggle).toHaveAttribute('aria-checked', 'false');
    expect(container.querySelector('[data-part="sync-settings"]')).toHaveAttribute('data-state', 'paused');
    await expectNoAxeViolations(container);
  });

  it('explains each failed run and links to the step that fixes it', async () => {
    mockBff({ scenario: 'failing' });
    const onEditMapping = vi.fn();
    const onReconnect = vi.fn();
    const { user, container } = renderWidget(<SyncSettings now={now} onEditMapping={onEditMapping} onReconnect={onReconnect} />);
    const failed = await screen.findAllByText('Failed', { selector: '[data-part="badge"]' });
    expect(failed).toHaveLength(2);
    const first = failed[0]!.closest('li')!;
    expect(first).toHaveTextContent('A new payment type, Swish, appeared in your sales. Choose the account it should be paid into under Payments, then sync again.');
    await user.click(within(first).getByRole('button', { name: 'Fix in Payments' }));
    expect(onEditMapping).toHaveBeenCalledWith('payments');
    const second = failed[1]!.closest('li')!;
    expect(second).toHaveTextContent('The connection to Sandbox ledger has expired.');
    await user.click(within(second).getByRole('button', { name: 'Reconnect' }));
    expect(onReconnect).toHaveBeenCalled();
    expect(container.querySelector('[data-part="sync-settings"]')).toHaveAttribute('data-state', 'failing');
    await expectNoAxeViolations(container);
  });

  it('tells a French merchant what went wrong in French, with the run\'s specifics and the same fix link', async () => {
    const state = mockBff({ scenario: 'failing' });
    state.history.unshift(
      syncRunFixture({ id: 'run-7', date: '2026-11-28', failure: { code: 'account_archived', params: { platform: 'Sandbox ledger', accountName: 'Card clearing', mapping: 'Card payments', mappingKey: 'payments.card' } } }),
      syncRunFixture({ id: 'run-8', date: '2026-11-28', failure: { code: 'period_locked', params: { platform: 'Sandbox ledger', lockDate: '2026-11-30', date: '2026-11-28' } } }),
      // A run from a service that sends no specifics: the general French text.
      syncRunFixture({ id: 'run-9', date: '2026-11-28', failure: { code: 'account_missing' } }),
    );
    const onEditMapping = vi.fn();
    const { user } = renderWidget(<SyncSettings now={now} onEditMapping={onEditMapping} />, { locale: 'fr-FR' });
    const failed = (await screen.findAllByText('Échec', { selector: '[data-part="badge"]' })).map((badge) => badge.closest('li')!);
    const [archived, locked, missing, unmapped] = failed;
    // Rows are named as the wizard names them, in French; dates in the French format.
    expect(archived).toHaveTextContent('Le compte « Card clearing » associé à « Paiements par carte » est archivé dans Sandbox ledger. Restaurez-le dans Sandbox ledger');
    expect(locked).toHaveTextContent('verrouillées jusqu’au 30 nov. 2026 : les ventes du 28 nov. 2026 ne peuvent pas être publiées');
    expect(missing).toHaveTextContent(catalogFrFR['catalog.account_missing']);
    expect(unmapped).toHaveTextContent('Un nouveau moyen de paiement, Paiements Swish, est apparu dans les ventes.');
    for (const item of failed) expect(item).not.toHaveTextContent(/appeared in your sales|is archived in|\{\w+\}/);
    await user.click(within(unmapped!).getByRole('button', { name: /Paiements/ }));
    expect(onEditMapping).toHaveBeenCalledWith('payments');
  });

  it('drops the fix link of a failure whose days a later sync posted', async () => {
    const state = mockBff({ scenario: 'failing' });
    // 27 Nov failed on a new payment type; once mapped, the next run posted 27 and 28 Nov.
    state.history.unshift({ ...syncRunFixture({ id: 'run-7', date: '2026-11-28' }), dateRange: { start: '2026-11-27', finish: '2026-11-28' } });
    const onEditMapping = vi.fn();
    const { container } = renderWidget(<SyncSettings now={now} onEditMapping={onEditMapping} onReconnect={vi.fn()} />);
    const failed = (await screen.findAllByText('Failed', { selector: '[data-part="badge"]' })).map((badge) => badge.closest('li')!);
    expect(failed).toHaveLength(2);
    const [unmapped, expired] = failed;
    expect(unmapped).toHaveTextContent('A new payment type, Swish, appeared in your sales.');
    expect(unmapped).toHaveTextContent('Resolved: these days were posted by a later sync.');
    expect(within(unmapped!).queryByRole('button')).not.toBeInTheDocument();
    // 26 Nov is not in the later run's days: still open, still linked.
    expect(expired).not.toHaveTextContent('Resolved');
    expect(within(expired!).getByRole('button', { name: 'Reconnect' })).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('shows an empty history before the first run', async () => {
    const state = mockBff({ scenario: 'configured' });
    state.history = [];
    renderWidget(<SyncSettings now={now} />);
    expect(await screen.findByText(/No syncs yet/)).toBeInTheDocument();
    expect(screen.getByText('Last sync').nextElementSibling).toHaveTextContent('Never');
  });

  it('shows a history error with a retry', async () => {
    mockBff({ scenario: 'configured' });
    let failing = true;
    server.use(http.get(bffUrl('getSyncHistory'), () => (failing ? bffError(502, 'upstream_unavailable', 'No answer.') : undefined)));
    const { user } = renderWidget(<SyncSettings now={now} />);
    const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
    failing = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByRole('listitem')).toHaveLength(4);
  });

  it('deletes after confirmation in an alert dialog, with a busy state and focus management', async () => {
    const state = mockBff({ scenario: 'configured' });
    const onDeleted = vi.fn();
    const { user, container } = renderWidget(<SyncSettings now={now} onDeleted={onDeleted} />, { onDeleted });
    const trigger = await screen.findByRole('button', { name: 'Delete sync' });
    await user.click(trigger);
    let dialog = await screen.findByRole('alertdialog', { name: 'Delete the sync?' });
    expect(dialog).toHaveAccessibleDescription(/Documents already posted stay in Sandbox ledger/);
    // What happens on a set-up again (issue 16 bug 4).
    expect(dialog).toHaveAccessibleDescription(/If you set up the sync again on the same Sandbox ledger books, it starts after the last day posted, so those days are not posted twice\./);
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    // Dialogs portal into the widget root, not the document body.
    expect(dialog.closest('[data-cs-root]')).not.toBeNull();
    await expectNoAxeViolations(container);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(trigger).toHaveFocus();

    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.delete(bffUrl('deleteCompany'), async () => {
        await held;
        await delay(1);
        return undefined;
      }),
    );
    await user.click(trigger);
    dialog = await screen.findByRole('alertdialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(dialog).toHaveAttribute('data-pending'));
    expect(within(dialog).getByRole('button', { name: 'Deleting…' })).toHaveAttribute('aria-busy', 'true');
    await user.keyboard('{Escape}');
    expect(screen.getByRole('alertdialog')).toBeInTheDocument();
    release();
    await waitFor(() => expect(onDeleted).toHaveBeenCalledTimes(2));
    expect(state.connection.status).toBe('NotConnected');
  });

  it('disconnects the platform after confirmation', async () => {
    const state = mockBff({ scenario: 'configured' });
    const onDeauthorized = vi.fn();
    const { user } = renderWidget(<SyncSettings now={now} onDeauthorized={onDeauthorized} />);
    await user.click(await screen.findByRole('button', { name: 'Disconnect Sandbox ledger' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Disconnect Sandbox ledger?' });
    await user.click(within(dialog).getByRole('button', { name: 'Disconnect Sandbox ledger' }));
    await waitFor(() => expect(onDeauthorized).toHaveBeenCalled());
    expect(state.connection.status).toBe('Unlinked');
  });

  it('starts a sync now', async () => {
    const state = mockBff({ scenario: 'configured' });
    const onEvent = vi.fn();
    const { user } = renderWidget(<SyncSettings now={now} />, { onEvent });
    await user.click(await screen.findByRole('button', { name: 'Sync now' }));
    await waitFor(() => expect(onEvent).toHaveBeenCalledWith('sync_run_requested', { kind: 'latest' }));
    expect(state.history[0]?.state).toBe('running');
    expect(await screen.findByText('Running', { selector: '[data-part="badge"]' })).toBeInTheDocument();
  });
});

describe('nextSyncAt', () => {
  it('finds the next local sync hour across DST changes', () => {
    // London leaves summer time on 2026-10-25: 02:00 local is 02:00Z after, 01:00Z before.
    expect(nextSyncAt(new Date('2026-10-24T12:00:00Z'), 2, 'Europe/London').toISOString()).toBe('2026-10-25T02:00:00.000Z');
    expect(nextSyncAt(new Date('2026-10-23T12:00:00Z'), 2, 'Europe/London').toISOString()).toBe('2026-10-24T01:00:00.000Z');
    expect(nextSyncAt(new Date('2026-11-28T10:00:00Z'), 0, 'Asia/Kolkata').toISOString()).toBe('2026-11-28T18:30:00.000Z');
    // 02:00 does not exist in New York on 2026-03-08: the next run is the day after.
    expect(nextSyncAt(new Date('2026-03-08T05:00:00Z'), 2, 'America/New_York').toISOString()).toBe('2026-03-09T06:00:00.000Z');
  });
});
