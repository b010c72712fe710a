import { render } from '@testing-library/react';
import type { RenderResult } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { setupServer } from 'msw/node';
import type { ReactElement } from 'react';
import { StrictMode } from 'react';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { CommerceSyncProvider } from '../../src/widget/index.js';
import type { CommerceSyncProviderProps } from '../../src/widget/index.js';
import { MOCK_SESSION_TOKEN, createBffHandlers, createBffState } from '../mocks/bff/index.js';
import type { BffMockState, BffStateOptions } from '../mocks/bff/index.js';

/** One MSW server per test file; unhandled requests fail the test. */
export const server = setupServer();

/** Installs the MSW lifecycle hooks in the calling test file. */
export function useMswServer(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
}

/** Starts a mock BFF for a scenario and returns its state. */
export function mockBff(options: BffStateOptions = {}): BffMockState {
  const state = createBffState(options);
  server.use(...createBffHandlers(state));
  return state;
}

/** Renders UI inside the provider (StrictMode on), with a user-event instance. */
export function renderWidget(ui: ReactElement, props: Partial<CommerceSyncProviderProps> = {}): RenderResult & { user: ReturnType<typeof userEvent.setup> } {
  const user = userEvent.setup();
  const result = render(
    <StrictMode>
      <CommerceSyncProvider sessionToken={MOCK_SESSION_TOKEN} {...props}>
        {ui}
      </CommerceSyncProvider>
    </StrictMode>,
  );
  return { ...result, user };
}

/**
 * Runs axe-core on a container and fails with the violations listed. Colour contrast needs
 * layout, which jsdom does not do; it is checked in Storybook's a11y addon instead.
 */
export async function expectNoAxeViolations(container: Element): Promise<void> {
  const results = await axe.run(container, {
    rules: { 'color-contrast': { enabled: false } },
    resultTypes: ['violations'],
  });
  const summary = results.violations.map((v) => `${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.html).join('\n  ')}`);
  expect(summary).toEqual([]);
}
