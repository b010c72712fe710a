/**
 * Shared plumbing of the vendor connectors (Xero, QuickBooks Online): per-tenant rate limiting,
 * retries with backoff and jitter, OAuth2 token endpoint helpers and single-flight refresh,
 * idempotency keys, and the env-driven connector list for the platform picker.
 */
export { TenantRateLimiter, systemClock, abortableSleep } from './rate-limiter.js';
export type { RateLimitPolicy, LimiterClock } from './rate-limiter.js';
export { retryingFetch, retryAfterMs, drain } from './retrying-fetch.js';
export type { RetryingFetchOptions, VendorCall } from './retrying-fetch.js';
export { basicAuthorization, connectionTokensFrom, postOAuthForm, requestTokens, TokenKeeper } from './oauth.js';
export type { TokenEndpointOptions, TokenResponse } from './oauth.js';
export { hashedKey, boundedKey } from './idempotency.js';
export { vendorRuntime, TtlCache } from './runtime.js';
export type { VendorRuntimeOptions, VendorRuntime } from './runtime.js';
export { vendorConnectorsFromEnv } from './vendor-connectors.js';
export type { VendorConnectorEnv } from './vendor-connectors.js';
export { authorizedJsonCall } from './authorized-call.js';
export type { AuthorizedRequest, AuthorizedResponse } from './authorized-call.js';
export { SharedCallBudget, SharedCallLimiter, BudgetExhaustedError, XERO_BUDGET, QUICKBOOKS_BUDGET } from './call-budget.js';
export type { BudgetPolicy, BudgetRequest, BudgetAnswer, BudgetLimit, CallBudgetBackend, CallLimiter, SharedCallLimiterOptions } from './call-budget.js';
