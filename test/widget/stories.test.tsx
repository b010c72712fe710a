import { composeStories, setProjectAnnotations } from '@storybook/react-vite';
import { render, waitFor } from '@testing-library/react';
import type { HttpHandler } from 'msw';
import type { ComponentType } from 'react';
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

/** What a composed story offers here: a component carrying its parameters. */
type ComposedStory = ComponentType & { parameters: { msw?: { handlers: HttpHandler[] } } };
const composed: Record<string, Record<string, ComposedStory>> = {
  authorization: composeStories(authorization) as unknown as Record<string, ComposedStory>,
  commerceSync: composeStories(commerceSync) as unknown as Record<string, ComposedStory>,
  wizard: composeStories(wizard) as unknown as Record<string, ComposedStory>,
  picker: composeStories(picker) as unknown as Record<string, ComposedStory>,
  settings: composeStories(settings) as unknown as Record<string, ComposedStory>,
  theming: composeStories(theming) as unknown as Record<string, ComposedStory>,
};

describe('every story renders its state with the shared handlers and no axe violation', { timeout: 60_000 }, () => {
  for (const [file, stories] of Object.entries(composed)) {
    for (const [name, Story] of Object.entries(stories)) {
      it(`${file}/${name}`, async () => {
        vi.spyOn(window, 'open').mockImplementation(() => null);
        const handlers = Story.parameters.msw?.handlers ?? [];
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
