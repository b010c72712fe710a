export { Authorization } from './authorization.js';
export type { AuthorizationProps } from './authorization.js';
export { useAuthorization, readAuthorizationReturn, stripAuthorizationReturn } from './use-authorization.js';
export type { AuthorizationStatus, UseAuthorizationOptions, UseAuthorizationResult } from './use-authorization.js';
