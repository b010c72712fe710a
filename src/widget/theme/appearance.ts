/** Colour tokens of the widget; each becomes `--cs-color-<kebab-name>`. */
export interface AppearanceColors {
  /** Primary action background. */
  primary: string;
  /** Text on primary. */
  primaryFg: string;
  /** Widget background. */
  background: string;
  /** Body text. */
  foreground: string;
  /** Subtle surfaces (cards, hovered options). */
  muted: string;
  /** Secondary text. */
  mutedFg: string;
  /** Borders and dividers. */
  border: string;
  /** Errors and destructive actions. */
  danger: string;
  /** Text on danger. */
  dangerFg: string;
  /** Success badges. */
  success: string;
  /** Warning badges (paused). */
  warning: string;
  /** Focus ring. */
  focus: string;
}

/**
 * The typed appearance a partner passes to the provider. Every value becomes a `--cs-*` CSS
 * custom property on the widget root; the shipped `styles.css` reads only those.
 */
export interface Appearance {
  /** Which palette applies; `dark` uses `darkColors` over the dark defaults. Default `light`. */
  colorScheme?: 'light' | 'dark';
  /** Light palette overrides. */
  colors?: Partial<AppearanceColors>;
  /** Dark palette overrides. */
  darkColors?: Partial<AppearanceColors>;
  /** Corner radius, e.g. `8px`. */
  radius?: string;
  /** Font stack, e.g. `Inter, system-ui, sans-serif`. */
  fontFamily?: string;
  /** Base font size, e.g. `14px`. */
  fontSize?: string;
  /** Spacing unit, e.g. `8px`; gaps and paddings are multiples of it. */
  spacing?: string;
}

/** Default light palette. */
export const LIGHT_COLORS: Readonly<AppearanceColors> = {
  primary: '#1d4ed8',
  primaryFg: '#ffffff',
  background: '#ffffff',
  foreground: '#111827',
  muted: '#f3f4f6',
  mutedFg: '#4b5563',
  border: '#d1d5db',
  danger: '#b91c1c',
  dangerFg: '#ffffff',
  success: '#15803d',
  warning: '#a16207',
  focus: '#2563eb',
};

/** Default dark palette. */
export const DARK_COLORS: Readonly<AppearanceColors> = {
  primary: '#93c5fd',
  primaryFg: '#0b1220',
  background: '#0b1220',
  foreground: '#f3f4f6',
  muted: '#1f2937',
  mutedFg: '#cbd5e1',
  border: '#374151',
  danger: '#fca5a5',
  dangerFg: '#0b1220',
  success: '#86efac',
  warning: '#fcd34d',
  focus: '#93c5fd',
};

/** A `--cs-*` custom property name. */
export type CssVariableName = `--cs-${string}`;

// Values must be plain tokens: no url() (remote fetches) and no declaration breakers.
const UNSAFE_VALUE = /[;{}<>]|url\s*\(|expression\s*\(|@import/i;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Turns an {@link Appearance} into `--cs-*` custom properties. Throws a TypeError naming the
 * field when a value could break out of its declaration or load remote content.
 *
 * @example appearanceToCssVariables({ colors: { primary: '#0a7' }, radius: '4px' })['--cs-color-primary'] === '#0a7'
 */
export function appearanceToCssVariables(appearance: Appearance = {}): Record<CssVariableName, string> {
  const scheme = appearance.colorScheme ?? 'light';
  const palette: AppearanceColors =
    scheme === 'dark' ? { ...DARK_COLORS, ...appearance.darkColors } : { ...LIGHT_COLORS, ...appearance.colors };
  const vars: Record<CssVariableName, string> = {};
  const put = (field: string, name: CssVariableName, value: string | undefined) => {
    if (value === undefined) return;
    if (UNSAFE_VALUE.test(value)) {
      throw new TypeError(`appearance.${field} "${value}" is not a plain CSS value: remove url(), ;, { or }.`);
    }
    vars[name] = value;
  };
  for (const [key, value] of Object.entries(palette) as [keyof AppearanceColors, string][]) {
    put(`${scheme === 'dark' ? 'darkColors' : 'colors'}.${key}`, `--cs-color-${kebab(key)}`, value);
  }
  put('radius', '--cs-radius', appearance.radius ?? '6px');
  put('fontFamily', '--cs-font-family', appearance.fontFamily ?? 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif');
  put('fontSize', '--cs-font-size', appearance.fontSize ?? '14px');
  put('spacing', '--cs-spacing', appearance.spacing ?? '8px');
  return vars;
}
