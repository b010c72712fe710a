import { delay, http } from 'msw';
import type { HttpHandler } from 'msw';
import type { BffRouteName } from '../src/contract/bff.js';
import { bffError, bffUrl, createBffHandlers, createBffState } from '../test/mocks/bff/index.js';
import type { BffMockState, BffStateOptions } from '../test/mocks/bff/index.js';

/** MSW parameters for a story: the same handlers as the tests, over a fresh state. */
export function bff(options: BffStateOptions = {}, change?: (state: BffMockState) => void, overrides: HttpHandler[] = []): { msw: { handlers: HttpHandler[] } } {
  const state = createBffState(options);
  change?.(state);
  return { msw: { handlers: [...overrides, ...createBffHandlers(state)] } };
}

/** A route that never answers (loading states). */
export function pending(route: BffRouteName, method: 'get' | 'put' | 'post' | 'delete' = 'get'): HttpHandler {
  return http[method](bffUrl(route), async () => {
    await delay('infinite');
    return undefined;
  });
}

/** A route that fails with a server error (error states). */
export function failing(route: BffRouteName, method: 'get' | 'put' | 'post' | 'delete' = 'get'): HttpHandler {
  return http[method](bffUrl(route), () => bffError(502, 'upstream_unavailable', 'The sync service did not answer.'));
}
