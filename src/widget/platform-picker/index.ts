export { PlatformPicker, platformLogo } from './platform-picker.js';
export type { PlatformPickerProps } from './platform-picker.js';
