import { screen, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { PlatformPicker } from '../../src/widget/index.js';
import { bffError, bffUrl } from '../mocks/bff/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, server, useMswServer } from './helpers.js';

useMswServer();

describe('PlatformPicker', () => {
  it('lists platforms with logos and names, and chooses one with the mouse', async () => {
    mockBff();
    const onValueChange = vi.fn();
    const onEvent = vi.fn();
    const { user, container } = renderWidget(<PlatformPicker onValueChange={onValueChange} />, { onEvent });
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    const list = await screen.findByRole('listbox', { name: 'Accounting software' });
    const options = within(list).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['Sandbox ledger', 'Xero', 'QuickBooks OnlineBeta']);
    expect(options[0]!.querySelector('img')).toHaveAttribute('src', '/logos/sandbox-square.svg');
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('option', { name: /Xero/ }));
    expect(onValueChange).toHaveBeenCalledWith('xero', expect.objectContaining({ name: 'Xero' }));
    expect(onEvent).toHaveBeenCalledWith('platform_selected', { platformKey: 'xero' });
    expect(screen.getByRole('option', { name: /Xero/ })).toHaveAttribute('aria-selected', 'true');
  });

  it('filters as you type and moves through the list with the keyboard', async () => {
    mockBff();
    const onValueChange = vi.fn();
    const { user } = renderWidget(<PlatformPicker onValueChange={onValueChange} />);
    const search = await screen.findByRole('searchbox', { name: 'Search accounting software' });
    await user.click(search);
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('option', { name: /Sandbox/ })).toHaveFocus();
    await user.keyboard('{End}');
    expect(screen.getByRole('option', { name: /QuickBooks/ })).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(screen.getByRole('option', { name: /Xero/ })).toHaveFocus();
    // Type-to-filter from the list: the key goes to the search box.
    await user.keyboard('q');
    expect(search).toHaveFocus();
    expect(search).toHaveValue('q');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    await user.keyboard('{ArrowDown}{Enter}');
    expect(onValueChange).toHaveBeenCalledWith('quickbooks-online', expect.anything());
  });

  it('says when nothing matches the search', async () => {
    mockBff();
    const { user, container } = renderWidget(<PlatformPicker />);
    await user.type(await screen.findByRole('searchbox'), 'sage');
    expect(screen.getByText('No accounting software matches “sage”.')).toBeInTheDocument();
    expect(screen.queryAllByRole('option')).toHaveLength(0);
    await expectNoAxeViolations(container);
  });

  it('shows an empty state when no platform is offered', async () => {
    const state = mockBff();
    state.platforms = [];
    renderWidget(<PlatformPicker />);
    expect(await screen.findByText(/No accounting software is available yet/)).toBeInTheDocument();
  });

  it('shows an error with a retry that recovers', async () => {
    mockBff();
    let failing = true;
    server.use(http.get(bffUrl('listPlatforms'), () => (failing ? bffError(503, 'upstream_unavailable', 'The sync service did not answer.') : undefined)));
    const onError = vi.fn();
    const { user, container } = renderWidget(<PlatformPicker />, { onError });
    // The widget retries a 503 once (after about a second) before showing the error.
    const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
    expect(alert).toHaveTextContent('Something went wrong on our side');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0]).toMatchObject({ code: 'upstream_unavailable', recoverable: true, status: 503 });
    await expectNoAxeViolations(container);
    failing = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('option', { name: /Sandbox/ })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
