import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Authorization, CommerceSync } from '../../src/widget/index.js';
import { completeAuthorization } from '../mocks/bff/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';

useMswServer();

/** The browser's popup window, which jsdom cannot open: just the parts the widget touches. */
function fakePopup() {
  const popup = { closed: false, location: { href: 'about:blank' }, close: vi.fn(() => (popup.closed = true)), resizeTo: vi.fn(), focus: vi.fn() };
  return popup;
}

function postFromCallback(data: unknown, origin = window.location.origin) {
  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data, origin }));
  });
}

const sandbox = { key: 'sandbox', name: 'Sandbox ledger' };

describe('authorization', () => {
  let popup: ReturnType<typeof fakePopup>;
  let open: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    popup = fakePopup();
    open = vi.spyOn(window, 'open').mockImplementation(() => popup as unknown as Window);
  });
  afterEach(() => open.mockRestore());

  it('opens about:blank synchronously on the click, then the consent URL, and connects on the callback message', async () => {
    const state = mockBff();
    const onConnected = vi.fn();
    const onEvent = vi.fn();
    const { user, container } = renderWidget(<Authorization platform={sandbox} />, { onConnected, onEvent });
    await user.click(screen.getByRole('button', { name: 'Connect Sandbox ledger' }));
    expect(open).toHaveBeenCalledWith('about:blank', 'commerce-sync-authorization', expect.stringContaining('width=600'));
    await waitFor(() => expect(popup.location.href).toMatch(/^http:\/\/127\.0\.0\.1:4010\/sandbox\/oauth\/authorize\?/));
    expect(popup.resizeTo).toHaveBeenCalledWith(520, 680);
    expect(state.pendingAuthorization?.mode).toBe('popup');
    expect(await screen.findByText('Finish connecting in the Sandbox ledger window.')).toBeInTheDocument();
    await expectNoAxeViolations(container);

    // A message from another origin is ignored.
    postFromCallback(completeAuthorization(state, 'connected'), 'https://evil.example');
    expect(onConnected).not.toHaveBeenCalled();

    postFromCallback(completeAuthorization(state, 'connected'));
    expect(await screen.findByText('Sandbox ledger is connected.')).toBeInTheDocument();
    expect(onConnected).toHaveBeenCalledWith({ platformKey: 'sandbox' });
    expect(onEvent).toHaveBeenCalledWith('authorization_connected', { platformKey: 'sandbox' });
    expect(popup.close).toHaveBeenCalled();
  });

  it('falls back to a full-page redirect when the popup is blocked', async () => {
    open.mockImplementation(() => null);
    const state = mockBff();
    const navigate = vi.fn();
    const onEvent = vi.fn();
    const { user } = renderWidget(<Authorization platform={sandbox} navigate={navigate} />, { onEvent });
    await user.click(screen.getByRole('button', { name: 'Connect Sandbox ledger' }));
    expect(await screen.findByText(/Your browser blocked the sign-in window/)).toBeInTheDocument();
    await waitFor(() => expect(navigate).toHaveBeenCalledWith(expect.stringMatching(/oauth\/authorize/)));
    expect(state.pendingAuthorization?.mode).toBe('redirect');
    expect(state.requests.find((r) => r.route === 'startAuthorization')?.body).toMatchObject({ mode: 'redirect', returnTo: window.location.href });
    expect(onEvent).toHaveBeenCalledWith('authorization_popup_blocked', { platformKey: 'sandbox' });
  });

  it('explains a denied consent and offers a way back', async () => {
    const state = mockBff();
    const onBack = vi.fn();
    const { user, container } = renderWidget(<Authorization platform={sandbox} onBack={onBack} />);
    await user.click(screen.getByRole('button', { name: 'Connect Sandbox ledger' }));
    await waitFor(() => expect(popup.location.href).toMatch(/oauth/));
    postFromCallback(completeAuthorization(state, 'denied'));
    expect(await screen.findByRole('alert')).toHaveTextContent('You did not allow access to Sandbox ledger. Nothing was connected.');
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Choose other software' }));
    expect(onBack).toHaveBeenCalled();
    // Trying again starts a new attempt.
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('notices a popup closed without a result', async () => {
    mockBff();
    const onEvent = vi.fn();
    const { user } = renderWidget(<Authorization platform={sandbox} />, { onEvent });
    await user.click(screen.getByRole('button', { name: 'Connect Sandbox ledger' }));
    await waitFor(() => expect(popup.location.href).toMatch(/oauth/));
    popup.closed = true;
    expect(await screen.findByRole('alert')).toHaveTextContent('The Sandbox ledger window was closed before you finished connecting.');
    expect(onEvent).toHaveBeenCalledWith('authorization_closed', { platformKey: 'sandbox' });
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('reports a failed start with a recoverable error and closes the blank popup', async () => {
    const state = mockBff();
    state.platforms = state.platforms.filter((p) => p.key !== 'sandbox');
    const onError = vi.fn();
    const { user } = renderWidget(<Authorization platform={sandbox} />, { onError });
    await user.click(screen.getByRole('button', { name: 'Connect Sandbox ledger' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Connecting Sandbox ledger failed');
    expect(popup.close).toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'platform_unknown', recoverable: false }));
  });

  it('resumes after a redirect that was denied', async () => {
    const state = mockBff();
    state.connection = { ...state.connection, status: 'PendingAuth', platform: sandbox };
    const { container } = renderWidget(<CommerceSync returnUrl="http://localhost:3000/settings?commerceSync=denied&reason=access_denied" />);
    expect(await screen.findByRole('alert')).toHaveTextContent('You did not allow access to Sandbox ledger.');
    expect(screen.getByRole('button', { name: 'Choose other software' })).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('resumes after a redirect that connected and continues to the wizard', async () => {
    const state = mockBff();
    state.pendingAuthorization = { id: 'auth-1', platformKey: 'sandbox', mode: 'redirect' };
    completeAuthorization(state, 'connected');
    const onConnected = vi.fn();
    renderWidget(<CommerceSync returnUrl="http://localhost:3000/settings?commerceSync=connected&authorizationId=auth-1" />, { onConnected });
    expect(await screen.findByRole('heading', { name: 'Set up your sync' })).toBeInTheDocument();
    expect(onConnected).toHaveBeenCalledTimes(1);
  });

  it('does not trust a forged ?commerceSync=connected return URL while the BFF says Unlinked', async () => {
    const state = mockBff();
    state.connection = { ...state.connection, status: 'Unlinked', platform: sandbox };
    const onConnected = vi.fn();
    const onEvent = vi.fn();
    const onError = vi.fn();
    const { container } = renderWidget(<CommerceSync returnUrl="http://localhost:3000/settings?commerceSync=connected" />, { onConnected, onEvent, onError });
    expect(await screen.findByRole('alert')).toHaveTextContent('Connecting Sandbox ledger failed: the connection was not confirmed. Connect again to finish.');
    expect(screen.queryByText('Sandbox ledger is connected.')).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Set up your sync' })).not.toBeInTheDocument();
    expect(onConnected).not.toHaveBeenCalled();
    expect(onEvent).not.toHaveBeenCalledWith('authorization_connected', expect.anything());
    expect(onEvent).toHaveBeenCalledWith('authorization_failed', { platformKey: 'sandbox', reason: 'invalid_callback' });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'authorization_failed', recoverable: true }));
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('does not trust a "connected" message from a same-origin window before the BFF confirms', async () => {
    const state = mockBff();
    const onConnected = vi.fn();
    const { user } = renderWidget(<Authorization platform={sandbox} />, { onConnected });
    await user.click(screen.getByRole('button', { name: 'Connect Sandbox ledger' }));
    await waitFor(() => expect(popup.location.href).toMatch(/oauth/));
    // The message a real callback page posts, but the consent never completed: still PendingAuth.
    postFromCallback({ type: 'commerce-sync:authorization-result', result: { outcome: 'connected', reason: null, authorizationId: state.pendingAuthorization!.id, platformKey: 'sandbox' } });
    expect(await screen.findByRole('alert')).toHaveTextContent('the connection was not confirmed');
    expect(screen.queryByText('Sandbox ledger is connected.')).not.toBeInTheDocument();
    expect(onConnected).not.toHaveBeenCalled();
  });
});
