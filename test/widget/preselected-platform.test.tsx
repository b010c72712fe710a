import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CommerceSync } from '../../src/widget/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';

useMswServer();

describe('CommerceSync with a preselected platform (the hosted flow’s accountingKey)', { timeout: 60_000 }, () => {
  it('opens at that platform’s consent while nothing is connected; "Choose other software" leads to the picker', async () => {
    mockBff({ scenario: 'new' });
    const { user, container } = renderWidget(<CommerceSync platform={{ key: 'sandbox', name: 'Sandbox ledger' }} />);
    expect(await screen.findByRole('button', { name: 'Connect Sandbox ledger' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Choose your accounting software' })).not.toBeInTheDocument();
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Choose other software' }));
    expect(await screen.findByRole('heading', { name: 'Choose your accounting software' })).toBeInTheDocument();
  });

  it('is ignored once a platform is connected', async () => {
    mockBff({ scenario: 'configured' });
    renderWidget(<CommerceSync platform={{ key: 'xero', name: 'Xero' }} />);
    expect(await screen.findByRole('heading', { name: 'Sync settings' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Connect Xero' })).not.toBeInTheDocument();
  });
});
