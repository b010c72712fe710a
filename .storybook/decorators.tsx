import type { Decorator } from '@storybook/react-vite';
import { CommerceSyncProvider } from '../src/widget/index.js';
import type { Appearance } from '../src/widget/index.js';
import { MOCK_SESSION_TOKEN } from '../test/mocks/bff/index.js';

/** Per-story provider settings (`parameters.commerceSync`). */
export interface CommerceSyncStoryParameters {
  /** Set false when the story renders its own providers (theming). */
  provider?: boolean;
  sessionToken?: string;
  getSessionToken?: () => Promise<string>;
  appearance?: Appearance;
}

/** Wraps every story in the provider, with the toolbar's theme and locale. Shared with tests. */
export const withCommerceSyncProvider: Decorator = (Story, context) => {
  const settings = (context.parameters.commerceSync ?? {}) as CommerceSyncStoryParameters;
  if (settings.provider === false) return <Story />;
  const colorScheme = context.globals.theme === 'dark' ? 'dark' : 'light';
  const locale = typeof context.globals.locale === 'string' ? context.globals.locale : 'en-US';
  return (
    <CommerceSyncProvider
      key={`${context.id}-${colorScheme}-${locale}`}
      sessionToken={settings.sessionToken ?? MOCK_SESSION_TOKEN}
      getSessionToken={settings.getSessionToken}
      locale={locale}
      appearance={{ ...settings.appearance, colorScheme }}
    >
      <Story />
    </CommerceSyncProvider>
  );
};
