export { appearanceToCssVariables, LIGHT_COLORS, DARK_COLORS } from './appearance.js';
export type { Appearance, AppearanceColors, CssVariableName } from './appearance.js';
