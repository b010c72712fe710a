import type { Meta, StoryObj } from '@storybook/react-vite';
import { delay, http, HttpResponse } from 'msw';
import type { HttpHandler } from 'msw';
import '../src/widget/sync-health/sync-health.css';
import { SyncHealth, createSupportClient } from '../src/widget/sync-health/index.js';
import {
  SUPPORT_BASE,
  SUPPORT_TOKEN,
  createSupportHandlers,
  createSupportState,
} from '../test/widget/sync-health/support-mock.js';

/** Handlers over a fresh mock scenario, plus overrides placed first (MSW uses the first match). */
function support(overrides: HttpHandler[] = []) {
  return { msw: { handlers: [...overrides, ...createSupportHandlers(createSupportState())] } };
}

const meta = {
  title: 'Support/SyncHealth',
  component: SyncHealth,
  args: { client: createSupportClient({ supportToken: SUPPORT_TOKEN }) },
  parameters: support(),
} satisfies Meta<typeof SyncHealth>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Totals by status, search and filters, every company. */
export const Overview: Story = {};
/** A failing company: details, sortable history, configuration and webhook deliveries. */
export const FailingCompany: Story = {
  args: { defaultSelection: { companyId: 'cafe', syncId: null } },
};
/** A failed sync: merchant message vs support detail, documents written, retry of the failed one. */
export const FailedSync: Story = {
  args: { defaultSelection: { companyId: 'cafe', syncId: 'cafe-sync-3' } },
};
/** A company switched off after 31 failing days, with the re-enable form. */
export const DisabledCompany: Story = {
  args: { defaultSelection: { companyId: 'deli', syncId: null } },
};
/** Waiting for the search. */
export const Loading: Story = {
  parameters: support([
    http.get(`${SUPPORT_BASE}/companies`, async () => {
      await delay('infinite');
      return HttpResponse.json({});
    }),
  ]),
};
/** Signed in as a merchant, not as support staff: refused. */
export const Unauthorized: Story = {
  args: { client: createSupportClient({ supportToken: 'merchant-session-token' }) },
};
