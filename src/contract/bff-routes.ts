/**
 * The BFF's route table and protocol constants, with no runtime dependency on zod so the
 * browser widget can import them without shipping the schema library (the schemas of each
 * route live in `bff.ts`, which re-exports everything here).
 */

/** Base path the BFF is mounted under unless the partner chooses another. */
export const DEFAULT_BFF_BASE_PATH = '/api/commerce-sync';

/** Response header carrying the request id (also echoed as `correlationId` in error bodies). */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Every BFF route, relative to the base path. The widget's client and the MSW handlers build
 * URLs from this table so that a path is spelled once.
 */
export const BFF_ROUTES = {
  createSession: { method: 'POST', path: '/session' },
  listPlatforms: { method: 'GET', path: '/platforms' },
  startAuthorization: { method: 'POST', path: '/authorizations' },
  oauthCallback: { method: 'GET', path: '/oauth/callback' },
  getConnection: { method: 'GET', path: '/connection' },
  deauthorize: { method: 'DELETE', path: '/connection' },
  getConfiguration: { method: 'GET', path: '/configuration' },
  saveConfiguration: { method: 'PUT', path: '/configuration' },
  previewConfiguration: { method: 'POST', path: '/configuration/preview' },
  pauseSync: { method: 'POST', path: '/sync/pause' },
  resumeSync: { method: 'POST', path: '/sync/resume' },
  runSync: { method: 'POST', path: '/sync/run' },
  getSyncStatus: { method: 'GET', path: '/sync/status' },
  getSyncHistory: { method: 'GET', path: '/sync/history' },
  deleteCompany: { method: 'DELETE', path: '/company' },
} as const satisfies Record<string, { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: `/${string}` }>;

/** Name of a BFF route in {@link BFF_ROUTES}. */
export type BffRouteName = keyof typeof BFF_ROUTES;

/** `type` of the message the popup callback page posts to `window.opener`. */
export const AUTHORIZATION_MESSAGE_TYPE = 'commerce-sync:authorization-result';

/** Query parameter the redirect-mode return URL carries the outcome in. */
export const AUTHORIZATION_RETURN_PARAM = 'commerceSync';
