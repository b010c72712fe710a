import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { CommerceSync, ConfigurationWizard, PlatformPicker, enUS, loadCatalog } from '../../src/widget/index.js';
import { LOADING_LABELS } from '../../src/widget/i18n/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';

// A catalog whose chunk cannot be fetched (a deploy removed it, the network dropped).
vi.mock('../../src/widget/i18n/en-gb.js', () => {
  throw new Error('Failed to fetch dynamically imported module');
});

useMswServer();

describe('what loads on demand', () => {
  it('announces a loading state in the merchant language until the French catalog arrives, then speaks French', async () => {
    mockBff();
    const { container } = renderWidget(<PlatformPicker />, { locale: 'fr-CA' });
    const root = container.querySelector('[data-cs-root]')!;
    // Nothing in English flashes first: the only content is the announced loading state.
    expect(within(root as HTMLElement).getByRole('status')).toHaveTextContent('Chargement…');
    expect(root.textContent).not.toContain(enUS['common.loading']);
    expect(await screen.findByRole('listbox', { name: 'Logiciels comptables' })).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('falls back to English when a catalog cannot be fetched, rather than loading forever', async () => {
    mockBff();
    await expect(loadCatalog('en-GB')).rejects.toThrow();
    renderWidget(<PlatformPicker />, { locale: 'en-GB' });
    expect(await screen.findByRole('listbox', { name: enUS['picker.listLabel'] })).toBeInTheDocument();
  });

  it('keeps each loading label equal to its catalog', async () => {
    expect(LOADING_LABELS['en-US']).toBe(enUS['common.loading']);
    expect(LOADING_LABELS['fr-FR']).toBe((await loadCatalog('fr-FR'))['common.loading']);
    // en-GB inherits en-US's loading text.
    expect(LOADING_LABELS['en-GB']).toBe(enUS['common.loading']);
  });

  it('shows the wizard behind an announced loading state while its code arrives', async () => {
    mockBff({ scenario: 'connected' });
    const { container } = renderWidget(<ConfigurationWizard />);
    expect(screen.getByRole('status')).toHaveTextContent(enUS['common.loading']);
    expect(await screen.findByRole('heading', { level: 2 })).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('shows the sync settings of a configured merchant through the journey', async () => {
    mockBff({ scenario: 'configured' });
    renderWidget(<CommerceSync />);
    expect(await screen.findByRole('heading', { name: enUS['settings.title'] })).toBeInTheDocument();
  });
});
