/**
 * `commerce-sync/bff`: the backend-for-frontend the widget talks to. Server-side only; the
 * browser-side wire shapes live in `commerce-sync/contract` (src/contract/bff.ts).
 */
export { createBff } from './create-bff.js';
export type { Bff, BffOptions, BffMerchant, BffLogger } from './create-bff.js';
export { createMemoryNonceStore, createRedisNonceStore } from './nonce-store.js';
export type { NonceStore, MemoryNonceStoreOptions, RedisNonceStoreOptions } from './nonce-store.js';
export { toNodeHandler } from './node.js';
export type { FetchHandler } from './node.js';
export type { SyncServiceOptions } from './sync-client.js';
export { MAX_BODY_BYTES } from './http.js';
export { createSupportBff, createSupportTokens } from './support/index.js';
export type { SupportBff, SupportBffOptions, SupportTokens, SupportTokensOptions } from './support/index.js';
