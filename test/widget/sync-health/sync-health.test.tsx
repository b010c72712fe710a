import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { SyncHealth, createSupportClient } from '../../../src/widget/sync-health/index.js';
import type { SyncHealthProps } from '../../../src/widget/sync-health/index.js';
import { expectNoAxeViolations, renderWidget, server, useMswServer } from '../helpers.js';
import {
  SUPPORT_BASE,
  SUPPORT_TOKEN,
  createSupportHandlers,
  createSupportState,
  type SupportMockState,
} from './support-mock.js';

useMswServer();

let state: SupportMockState;
beforeEach(() => {
  state = createSupportState();
  server.use(...createSupportHandlers(state));
});

function renderHealth(
  props: Partial<SyncHealthProps> = {},
  locale = 'en-US',
  token = SUPPORT_TOKEN,
) {
  const client = createSupportClient({ supportToken: token });
  return renderWidget(<SyncHealth client={client} {...props} />, { locale });
}

const columnTexts = (table: HTMLElement, column: number) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[column]?.textContent ?? '');

// axe over these larger tables takes a few seconds in jsdom.
describe('<SyncHealth>', { timeout: 30_000 }, () => {
  it('shows the run queue beside the totals when the service reports it', async () => {
    state.queue = { due: 4, queued: 3, running: 2, waitingOnBudget: 1, failed: 0, oldestDueAt: '2026-03-02T00:00:00.000Z', oldestDueAgeSeconds: 3_600 };
    const { container } = renderHealth({}, 'en-GB');
    const queue = await screen.findByRole('list', { name: 'Scheduled syncs' });
    const figure = (label: string) => within(queue).getByText(label).parentElement?.textContent;
    expect(figure('Due, not run yet')).toBe('Due, not run yet 4');
    expect(figure('Waiting for a worker')).toBe('Waiting for a worker 3');
    expect(figure('Running')).toBe('Running 2');
    expect(figure('Waiting on the platform’s call limit')).toBe('Waiting on the platform’s call limit 1');
    expect(figure('Failed to run')).toBe('Failed to run 0');
    expect(figure('Oldest due time')).toMatch(/^Oldest due time .*2026/);
    await expectNoAxeViolations(container);
  });

  it('shows totals by status and finds a company by sync id with the keyboard', async () => {
    const { container, user } = renderHealth();
    const totals = await screen.findByRole('list', { name: 'Companies by status' });
    expect(within(totals).getByText('Failing').parentElement).toHaveTextContent('Failing 1');
    expect(within(totals).getByText('Switched off after failures').parentElement).toHaveTextContent(
      '1',
    );
    expect(screen.getByRole('table', { name: 'Companies (3)' })).toBeInTheDocument();
    await expectNoAxeViolations(container);

    const search = screen.getByRole('searchbox', { name: 'Company name, company ID or sync ID' });
    await user.click(search);
    await user.keyboard('cafe-sync-3{Enter}');
    const results = await screen.findByRole('table', { name: 'Companies (1)' });
    expect(within(results).getByRole('button', { name: 'Open Cafe Lumiere' })).toBeInTheDocument();

    await user.clear(search);
    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Problem' }),
      'tax_rate_unmapped',
    );
    await user.click(screen.getByRole('button', { name: 'Search' }));
    const filtered = await screen.findByRole('table', { name: 'Companies (1)' });
    expect(within(filtered).getByRole('button', { name: 'Open Deli Dijon' })).toBeInTheDocument();

    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Problem' }),
      'currency_mismatch',
    );
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText('No company matches these filters.')).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('opens a company, sorts its history from the header buttons, and shows the configuration', async () => {
    const { container, user } = renderHealth();
    await user.click(await screen.findByRole('button', { name: 'Open Cafe Lumiere' }));
    const heading = await screen.findByRole('heading', { name: 'Cafe Lumiere' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByText('Sandbox ledger (Linked)')).toBeInTheDocument();

    const history = await screen.findByRole('table', { name: 'Sync history' });
    const started = within(history).getByRole('columnheader', { name: /Started/ });
    expect(started).toHaveAttribute('aria-sort', 'descending');
    expect(columnTexts(history, 3)).toEqual(['4000', '2000', '2040']);

    const codeHeader = within(history).getByRole('columnheader', { name: /Status code/ });
    expect(codeHeader).toHaveAttribute('aria-sort', 'none');
    within(codeHeader).getByRole('button').focus();
    await user.keyboard('{Enter}');
    expect(codeHeader).toHaveAttribute('aria-sort', 'ascending');
    expect(started).toHaveAttribute('aria-sort', 'none');
    expect(columnTexts(history, 3)).toEqual(['2000', '2040', '4000']);
    await user.keyboard(' ');
    expect(codeHeader).toHaveAttribute('aria-sort', 'descending');
    expect(columnTexts(history, 3)).toEqual(['4000', '2040', '2000']);
    await expectNoAxeViolations(container);

    const view = await screen.findByRole('button', { name: 'View configuration' });
    await waitFor(() => expect(view).toBeEnabled());
    await user.click(view);
    expect(view).toHaveAttribute('aria-expanded', 'true');
    const json = screen.getByLabelText('Configuration of Cafe Lumiere');
    expect(JSON.parse(json.textContent ?? '')).toMatchObject({
      companyId: 'cafe',
      configuration: {
        configuration: { payments: { accounts: { card: { selectedAccountId: 'acc-091' } } } },
      },
    });
    const download = screen.getByRole('link', { name: 'Download configuration (JSON)' });
    expect(download).toHaveAttribute('download', 'commerce-sync-configuration-cafe.json');
    expect(
      decodeURIComponent(download.getAttribute('href')?.split(',').slice(1).join(',') ?? ''),
    ).toContain('"acc-091"');

    const deliveries = screen.getByRole('table', { name: 'Webhook deliveries' });
    expect(within(deliveries).getByText('sync.failed')).toBeInTheDocument();
    expect(within(deliveries).getByText('500')).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('shows each run\'s days: one day, a range, or none when every day was already synced', async () => {
    const runs = state.runs.cafe ?? [];
    const [first] = runs;
    if (!first) throw new Error('mock has no cafe runs');
    // A catch-up run that found nothing new: its period starts and ends on the same day.
    runs.push({ ...first, syncId: 'cafe-sync-9', seq: 9, trigger: 'latest', period: { start: '2026-03-12', finish: '2026-03-12' }, createdUtc: '2026-03-12T09:00:00.000Z' });
    const { user } = renderHealth();
    await user.click(await screen.findByRole('button', { name: 'Open Cafe Lumiere' }));
    const history = await screen.findByRole('table', { name: 'Sync history' });
    const periods = columnTexts(history, 1);
    expect(periods).toContain('No new days (all were already synced)');
    expect(periods).toContain('Mar 2, 2026 to Mar 11, 2026');
    expect(periods).toContain('Mar 1, 2026');
    expect(periods.join(' ')).not.toMatch(/Mar 12, 2026 to Mar 11, 2026/);
  });

  it('shows a sync: merchant message vs support detail, every document, and retries only the failed ones', async () => {
    const onRetried = vi.fn();
    const { container, user } = renderHealth({
      defaultSelection: { companyId: 'cafe', syncId: null },
      onRetried,
    });
    await user.click(await screen.findByRole('button', { name: 'Details of sync 3' }));
    const title = await screen.findByRole('heading', { name: 'Sync 3' });
    await waitFor(() => expect(title).toHaveFocus());
    expect(screen.getByText('What the merchant sees').parentElement).toHaveTextContent(
      'A mapped account is archived in the accounting platform.',
    );
    expect(
      screen.getByText(/mapped to Card payments is archived in Sandbox ledger/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Support detail')).toHaveTextContent(
      'Account 091 Card clearing is archived.',
    );
    expect(screen.getByText('Payments')).toBeInTheDocument();
    expect(screen.getByText('Mar 2, 2026 to Mar 11, 2026')).toBeInTheDocument();

    const items = screen.getByRole('table', { name: 'Documents (2)' });
    expect(within(items).getByText('£1,234.56')).toBeInTheDocument();
    expect(within(items).getAllByText('Written')).toHaveLength(1);
    expect(within(items).getAllByText('Failed')).toHaveLength(1);
    await expectNoAxeViolations(container);

    await user.click(screen.getByRole('button', { name: 'Retry failed items (1)' }));
    expect(
      await screen.findByText('Retried 1 item(s): 1 written, 0 still failing.'),
    ).toBeInTheDocument();
    expect(onRetried).toHaveBeenCalledWith({
      companyId: 'cafe',
      syncId: 'cafe-sync-3',
      attempted: 1,
      written: 1,
      stillFailing: 0,
    });
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Documents (2)' })).getAllByText('Written'),
      ).toHaveLength(2),
    );
    expect(screen.getByText('Every document of this sync is written.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Retry failed items/ })).not.toBeInTheDocument();
    expect(state.retries['cafe-sync-3']).toBe(1);
    await expectNoAxeViolations(container);

    await user.click(screen.getByRole('button', { name: 'Back to history' }));
    await waitFor(() =>
      expect(screen.getByRole('heading', { name: 'Cafe Lumiere' })).toHaveFocus(),
    );
  });

  it('explains a written document\'s lines with the records behind each, from the keyboard', async () => {
    const { container, user } = renderHealth({ defaultSelection: { companyId: 'cafe', syncId: null } });
    await user.click(await screen.findByRole('button', { name: 'Details of sync 3' }));
    await screen.findByRole('heading', { name: 'Sync 3' });
    // Only written documents can be explained.
    expect(screen.queryByRole('button', { name: 'Explain lines of cafe-2026-03-10-journal' })).not.toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: 'Explain lines of cafe-2026-03-02-journal' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    toggle.focus();
    await user.keyboard('{Enter}');
    const lines = await screen.findByRole('table', { name: 'Lines of cafe-2026-03-02-journal and the records behind them' });
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(toggle).toHaveTextContent('Hide lines');
    const sales = within(lines).getByRole('row', { name: /acc-200/ });
    expect(within(sales).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['order-b -£20.00', 'order-a -£10.00']);
    const rounding = within(lines).getByRole('row', { name: /acc-405/ });
    expect(rounding).toHaveTextContent('Not from a single record (rounding or earlier revisions): £0.01');
    await expectNoAxeViolations(container);
    await user.keyboard('{Enter}');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('table', { name: /Lines of/ })).not.toBeInTheDocument();
  });

  it('re-enables a company switched off after failures, showing the server field error first', async () => {
    const onReenabled = vi.fn();
    const { container, user } = renderHealth({
      defaultSelection: { companyId: 'deli', syncId: null },
      onReenabled,
    });
    await screen.findByRole('heading', { name: 'Turn syncing back on' });
    expect(
      await screen.findByText('Webhooks are not configured on this deployment.'),
    ).toBeInTheDocument();
    await expectNoAxeViolations(container);
    const date = screen.getByLabelText('New start date');
    await user.type(date, '2026-04-01');
    await user.click(screen.getByRole('button', { name: 'Re-enable syncing' }));
    expect(await screen.findByText('Choose 2026-03-12 or earlier.')).toBeInTheDocument();
    expect(date).toHaveAttribute('aria-invalid', 'true');
    expect(date).toHaveAccessibleDescription('Choose 2026-03-12 or earlier.');
    await expectNoAxeViolations(container);

    await user.clear(date);
    await user.type(date, '2026-03-10');
    await user.keyboard('{Enter}');
    await waitFor(() =>
      expect(onReenabled).toHaveBeenCalledWith({ companyId: 'deli', startDate: '2026-03-10' }),
    );
    expect(state.companies.find((c) => c.companyId === 'deli')).toMatchObject({
      enabled: true,
      startDate: '2026-03-10',
    });
    await waitFor(() =>
      expect(
        screen.queryByRole('heading', { name: 'Turn syncing back on' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('tells support to sign in again when the token is refused', async () => {
    const { container } = renderHealth({}, 'en-US', 'merchant-session-token');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Your support sign-in is missing or has expired.',
    );
    await expectNoAxeViolations(container);
  });

  it('speaks French with French dates and money', async () => {
    server.use(
      http.get(`${SUPPORT_BASE}/companies/:companyId/webhook-deliveries`, () =>
        HttpResponse.json({ available: true, items: [] }),
      ),
    );
    const { container, user } = renderHealth(
      { defaultSelection: { companyId: 'cafe', syncId: null } },
      'fr-FR',
    );
    expect(
      await screen.findByRole('heading', { name: 'État des synchronisations' }),
    ).toBeInTheDocument();
    await user.click(
      await screen.findByRole('button', { name: 'Détails de la synchronisation 3' }),
    );
    expect(await screen.findByText('du 2 mars 2026 au 11 mars 2026')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Un compte associé est archivé dans le logiciel comptable. Restaurez-le ou choisissez un autre compte, puis relancez la synchronisation.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/1\s234,56\s£/)).toBeInTheDocument();
    expect(
      screen.getByText('Aucune livraison de webhook pour cette entreprise.'),
    ).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });
});
