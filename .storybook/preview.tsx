import type { Preview } from '@storybook/react-vite';
import { setupWorker } from 'msw/browser';
import { mswLoader } from 'msw-storybook-addon/csf3';
import { withCommerceSyncProvider } from './decorators.js';
import '../src/widget/styles.css';

const BFF_PATH = '/api/commerce-sync/';

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
  decorators: [withCommerceSyncProvider],
};

export default preview;
