import { composeStories, setProjectAnnotations } from '@storybook/react-vite';
import { render, waitFor } from '@testing-library/react';
import type { HttpHandler } from 'msw';
import { StrictMode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { withCommerceSyncProvider } from '../../.storybook/decorators.js';
import * as authorization from '../../stories/authorization.stories.js';
import * as commerceSync from '../../stories/commerce-sync.stories.js';
import * as wizard from '../../stories/configuration-wizard.stories.js';
import * as picker from '../../stories/platform-picker.stories.js';
import * as settings from '../../stories/sync-settings.stories.js';
import * as theming from '../../stories/theming.stories.js';
import { expectNoAxeViolations, server, useMswServer } from './helpers.js';

useMswServer();
// Stories are composed while tests are collected, so the annotations are set at module level.
setProjectAnnotations({ decorators: [withCommerceSyncProvider], initialGlobals: { theme: 'light', locale: 'en-US' } });

const modules = { authorization, commerceSync, wizard, picker, settings, theming };

describe('every story renders its state with the shared handlers and no axe violation', { timeout: 60_000 }, () => {
  for (const [file, module] of Object.entries(modules)) {
    for (const [name, Story] of Object.entries(composeStories(module))) {
      it(`${file}/${name}`, async () => {
        vi.spyOn(window, 'open').mockImplementation(() => null);
        const handlers = (Story.parameters.msw as { handlers: HttpHandler[] } | undefined)?.handlers ?? [];
        server.use(...handlers);
        const { container } = render(
          <StrictMode>
            <Story />
          </StrictMode>,
        );
        const settles = !name.startsWith('Loading');
        await waitFor(() => expect(container.querySelector('[data-part="loading"], [data-part="button"], [data-part="journey"], [data-part="platform-picker"], [data-part="authorization"], [data-part="wizard"], [data-part="sync-settings"], [data-part="error-state"]')).not.toBeNull(), { timeout: 5000 });
        if (settles) await waitFor(() => expect(container.querySelector('[data-part="loading"]')).toBeNull(), { timeout: 5000 });
        else expect(container.querySelector('[data-part="loading"]')).not.toBeNull();
        await expectNoAxeViolations(container);
      });
    }
  }
});
