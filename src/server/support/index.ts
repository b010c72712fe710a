/**
 * Sync Health support queries, mounted by the sync service at `/support` (wire shapes in
 * src/contract/support.ts).
 */
export { SupportQueries, healthOf, toSupportRun } from './queries.js';
export type { SupportDeps } from './queries.js';
export { createSupportRoutes, registerSupportRoutes, createSupportHandler } from './routes.js';
export type { SupportHandlerOptions } from './routes.js';
