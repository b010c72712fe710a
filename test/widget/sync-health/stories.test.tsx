import { composeStories, setProjectAnnotations } from '@storybook/react-vite';
import { render, screen, waitFor } from '@testing-library/react';
import type { HttpHandler } from 'msw';
import type { ComponentType } from 'react';
import { StrictMode } from 'react';
import { withCommerceSyncProvider } from '../../../.storybook/decorators.js';
import * as stories from '../../../stories/sync-health.stories.js';
import { expectNoAxeViolations, server, useMswServer } from '../helpers.js';

useMswServer();
setProjectAnnotations({
  decorators: [withCommerceSyncProvider],
  initialGlobals: { theme: 'light', locale: 'en-US' },
});

type ComposedStory = ComponentType & { parameters: { msw?: { handlers: HttpHandler[] } } };
const composed = composeStories(stories) as unknown as Record<string, ComposedStory>;

/** What each story must end up showing. */
const settled: Record<string, () => Promise<unknown>> = {
  Overview: () => screen.findByRole('table', { name: 'Companies (3)' }),
  FailingCompany: () => screen.findByRole('table', { name: 'Sync history' }),
  FailedSync: () => screen.findByRole('button', { name: 'Retry failed items (1)' }),
  DisabledCompany: () => screen.findByRole('button', { name: 'Re-enable syncing' }),
  Loading: () => screen.findByRole('status'),
  Unauthorized: () => screen.findByRole('alert'),
};

describe(
  'Sync Health stories render with their handlers and no axe violation',
  { timeout: 30_000 },
  () => {
    for (const [name, Story] of Object.entries(composed)) {
      it(name, async () => {
        server.use(...(Story.parameters.msw?.handlers ?? []));
        const { container } = render(
          <StrictMode>
            <Story />
          </StrictMode>,
        );
        const check = settled[name];
        expect(check, `no expectation for story ${name}`).toBeDefined();
        await check?.();
        if (name !== 'Loading')
          await waitFor(() => expect(container.querySelector('[data-part="loading"]')).toBeNull());
        await expectNoAxeViolations(container);
      });
    }
  },
);
