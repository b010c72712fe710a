import type { Appearance } from '../../src/widget/index.js';

/** The commerce-sync widgets themed in Harbour POS colours (merchant widget and Sync Health). */
export const HARBOUR_APPEARANCE: Appearance = {
  colors: {
    primary: '#0e4a5c',
    primaryFg: '#ffffff',
    foreground: '#15242b',
    mutedFg: '#56666d',
    border: '#c9d3d7',
    muted: '#f1f5f6',
    focus: '#1a73e8',
  },
  radius: '8px',
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  fontSize: '15px',
};
