/**
 * Sync Health support routes of the BFF, behind support-staff authentication (wire shapes in
 * src/contract/support.ts).
 */
export { createSupportBff } from './create-support-bff.js';
export type { SupportBff, SupportBffOptions } from './create-support-bff.js';
export { createSupportTokens } from './support-tokens.js';
export type { SupportTokens, SupportTokensOptions } from './support-tokens.js';
