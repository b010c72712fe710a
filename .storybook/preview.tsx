import type { Preview } from '@storybook/react-vite';
import { setupWorker } from 'msw/browser';
import { mswLoader } from 'msw-storybook-addon/csf3';
import { CommerceSyncProvider } from '../src/widget/index.js';
import type { Appearance } from '../src/widget/index.js';
import { MOCK_SESSION_TOKEN } from '../test/mocks/bff/index.js';
import '../src/widget/styles.css';

const BFF_PATH = '/api/commerce-sync/';

/** Per-story provider settings (`parameters.commerceSync`). */
export interface CommerceSyncStoryParameters {
  /** Set false when the story renders its own providers (theming). */
  provider?: boolean;
  sessionToken?: string;
  getSessionToken?: () => Promise<string>;
  appearance?: Appearance;
}

const preview: Preview = {
  loaders: [
    mswLoader(async () => {
      const worker = setupWorker();
      await worker.start({
        quiet: true,
        // A BFF call no story handles is a bug in the story; everything else (assets, HMR) passes.
        onUnhandledRequest: (request, print) => {
          if (new URL(request.url).pathname.startsWith(BFF_PATH)) print.error();
        },
      });
      return worker;
    }),
  ],
  globalTypes: {
    theme: {
      description: 'Colour scheme',
      toolbar: { title: 'Theme', icon: 'mirror', items: ['light', 'dark'], dynamicTitle: true },
    },
    locale: {
      description: 'Widget locale',
      toolbar: { title: 'Locale', icon: 'globe', items: ['en-US', 'en-GB', 'fr-FR'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en-US' },
  parameters: {
    layout: 'padded',
    a11y: { test: 'error' },
    controls: { expanded: true },
  },
  decorators: [
    (Story, context) => {
      const settings = (context.parameters.commerceSync ?? {}) as CommerceSyncStoryParameters;
      if (settings.provider === false) return <Story />;
      const colorScheme = context.globals.theme === 'dark' ? 'dark' : 'light';
      return (
        <CommerceSyncProvider
          key={`${context.id}-${colorScheme}-${String(context.globals.locale)}`}
          sessionToken={settings.sessionToken ?? MOCK_SESSION_TOKEN}
          getSessionToken={settings.getSessionToken}
          locale={String(context.globals.locale ?? 'en-US')}
          appearance={{ ...settings.appearance, colorScheme }}
        >
          <Story />
        </CommerceSyncProvider>
      );
    },
  ],
};

export default preview;
