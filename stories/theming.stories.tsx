import type { Meta, StoryObj } from '@storybook/react-vite';
import { CommerceSyncProvider, SyncSettings } from '../src/widget/index.js';
import type { Appearance } from '../src/widget/index.js';
import { MOCK_SESSION_TOKEN } from '../test/mocks/bff/index.js';
import { bff } from './mock-bff.js';

/** Two partner brands on one page: each provider themes only its own root (and names its own landmark). */
const brands: { name: string; appearance: Appearance }[] = [
  {
    name: 'Fika Payments',
    appearance: { colors: { primary: '#7a2e0e', primaryFg: '#fff7ed', background: '#fffbf5', border: '#e7d3c1', focus: '#c2410c' }, radius: '14px', fontFamily: 'Georgia, serif', spacing: '10px' },
  },
  {
    name: 'Nordpos',
    appearance: { colorScheme: 'dark', darkColors: { primary: '#5eead4', primaryFg: '#042f2e', background: '#0f172a', muted: '#1e293b' }, radius: '2px', fontFamily: 'ui-monospace, monospace', fontSize: '13px' },
  },
];

function TwoBrands() {
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 24 }}>
      {brands.map((brand) => (
        <section key={brand.name} aria-label={brand.name}>
          <CommerceSyncProvider sessionToken={MOCK_SESSION_TOKEN} appearance={brand.appearance} messages={{ 'settings.title': `${brand.name}: accounting sync` }}>
            <SyncSettings now={() => new Date('2026-11-28T10:00:00Z')} />
          </CommerceSyncProvider>
        </section>
      ))}
    </div>
  );
}

const meta = {
  title: 'Widget/Theming',
  component: TwoBrands,
  parameters: { ...bff({ scenario: 'failing' }), commerceSync: { provider: false }, layout: 'fullscreen' },
} satisfies Meta<typeof TwoBrands>;
export default meta;

/** Fika Payments (light, warm, rounded) next to Nordpos (dark, teal, square). */
export const TwoPartnerBrands: StoryObj<typeof meta> = {};
