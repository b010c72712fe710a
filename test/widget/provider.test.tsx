import { render, screen, waitFor } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import { COMMERCE_SYNC_EVENTS, CommerceSyncProvider, PlatformPicker, SyncSettings, appearanceToCssVariables, enUS, loadCatalog, usePlatforms } from '../../src/widget/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';

useMswServer();

function Orphan() {
  usePlatforms();
  return null;
}

describe('CommerceSyncProvider', () => {
  it('throws an error naming the hook and the provider when used outside it', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => render(<Orphan />)).toThrow('usePlatforms must be used inside <CommerceSyncProvider>');
    expect(() => render(<PlatformPicker />)).toThrow('PlatformPicker must be used inside <CommerceSyncProvider>');
    consoleError.mockRestore();
  });

  it('asks the host for a fresh token on session_expired and retries once', async () => {
    const state = mockBff();
    state.expiredTokens.add('old-token');
    state.validTokens.add('fresh-token');
    const getSessionToken = vi.fn(async () => 'fresh-token');
    renderWidget(<PlatformPicker />, { sessionToken: 'old-token', getSessionToken });
    expect(await screen.findByRole('option', { name: /Sandbox/ })).toBeInTheDocument();
    // StrictMode mounts twice; concurrent 401s share one refresh.
    expect(getSessionToken).toHaveBeenCalledTimes(1);
  });

  it('shows a session error when no fresh token can be had', async () => {
    const state = mockBff();
    state.expiredTokens.add('old-token');
    const onError = vi.fn();
    renderWidget(<PlatformPicker />, { sessionToken: 'old-token', onError });
    expect(await screen.findByRole('alert')).toHaveTextContent('Your session has expired. Reload the page to continue.');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'session_expired', status: 401, recoverable: false }));
  });

  it('sets --cs-* variables from the appearance on the widget root, with light and dark palettes', () => {
    mockBff();
    const { container, rerender } = render(
      <CommerceSyncProvider sessionToken="t" appearance={{ colors: { primary: '#ff5a00' }, radius: '2px', fontFamily: 'Inter, sans-serif' }}>
        <span />
      </CommerceSyncProvider>,
    );
    const root = container.querySelector<HTMLElement>('[data-cs-root]')!;
    expect(root.style.getPropertyValue('--cs-color-primary')).toBe('#ff5a00');
    expect(root.style.getPropertyValue('--cs-radius')).toBe('2px');
    expect(root).toHaveAttribute('data-theme', 'light');
    rerender(
      <CommerceSyncProvider sessionToken="t" appearance={{ colorScheme: 'dark', darkColors: { primary: '#ffb38a' } }}>
        <span />
      </CommerceSyncProvider>,
    );
    expect(root.style.getPropertyValue('--cs-color-primary')).toBe('#ffb38a');
    expect(root.style.getPropertyValue('--cs-color-background')).toBe('#0b1220');
    expect(root).toHaveAttribute('data-theme', 'dark');
  });

  it('refuses appearance values that could load remote content or break out of a declaration', () => {
    expect(() => appearanceToCssVariables({ fontFamily: 'x; background: url(https://evil.example/a.png)' })).toThrow('appearance.fontFamily');
    expect(() => appearanceToCssVariables({ colors: { primary: 'url(https://evil.example)' } })).toThrow('appearance.colors.primary');
  });

  it('speaks French with Intl formatting and partner overrides', async () => {
    mockBff({ scenario: 'configured' });
    const { container } = renderWidget(<SyncSettings now={() => new Date('2026-11-28T10:00:00Z')} />, { locale: 'fr-FR', messages: { 'settings.title': 'Synchro Compta' } });
    expect(await screen.findByRole('heading', { name: 'Synchro Compta' })).toBeInTheDocument();
    expect(screen.getByRole('switch', { name: 'Synchronisation quotidienne' })).toBeInTheDocument();
    expect(screen.getByText('Prochaine synchronisation').nextElementSibling).toHaveTextContent('29 nov. 2026, 02:00 UTC');
    expect(container.querySelector('[data-cs-root]')).toHaveAttribute('lang', 'fr');
    await expectNoAxeViolations(container);
  });

  it('ships complete catalogs for every locale', async () => {
    const [enGB, frFR] = await Promise.all([loadCatalog('en-GB'), loadCatalog('fr-FR')]);
    const keys = Object.keys(enUS).sort();
    expect(Object.keys(enGB).sort()).toEqual(keys);
    expect(Object.keys(frFR).sort()).toEqual(keys);
    for (const [key, text] of Object.entries(frFR)) {
      const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(placeholders(text), key).toEqual(placeholders(enUS[key as keyof typeof enUS]));
    }
  });

  it('uses the host QueryClient when given one', async () => {
    mockBff();
    const queryClient = new QueryClient();
    renderWidget(<PlatformPicker />, { queryClient });
    await screen.findByRole('option', { name: /Sandbox/ });
    expect(queryClient.getQueryCache().getAll().map((q) => q.queryKey)).toContainEqual(['commerce-sync', '/api/commerce-sync', 'platforms']);
  });

  it('exports a stable list of event names', () => {
    expect(COMMERCE_SYNC_EVENTS).toContain('authorization_connected');
    expect(new Set(COMMERCE_SYNC_EVENTS).size).toBe(COMMERCE_SYNC_EVENTS.length);
  });

  it('waits for the token getter when started without a token', async () => {
    const state = mockBff();
    state.validTokens.add('issued');
    const getSessionToken = vi.fn(async () => 'issued');
    renderWidget(<PlatformPicker />, { sessionToken: undefined, getSessionToken });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));
  });
});
