import type { z } from 'zod';
import { ConfigurationSchema } from '../contract/configuration.js';
import {
  AuthorizationCallbackSchema,
  AuthorizationStartSchema,
  AuthorizationUrlSchema,
  BrandingSchema,
  CompaniesSchema,
  CompanySchema,
  CompanySyncStatusSchema,
  ConnectionSchema,
  ConnectionsSchema,
  CreateCompanySchema,
  CreateConnectionSchema,
  DatasetStatusSchema,
  IntegrationsSchema,
  LocalizationInfoSchema,
  PushItemsSchema,
  PushResponseSchema,
  SyncFlowRedeemSchema,
  SyncFlowSessionSchema,
  SyncFlowUrlSchema,
  SyncRangeSchema,
  SyncStatusSchema,
  SyncSummarySchema,
  SyncToLatestArgsSchema,
  UpdateConnectionSchema,
  VisibleAccountsSchema,
} from '../contract/sync-api.js';
import { SyncPreviewSchema } from '../contract/preview.js';
import { QueueHealthSchema } from '../contract/queue-health.js';
import { WebhookDeliveryPageSchema, WebhookDeliverySchema } from '../contract/webhooks.js';

/** Where a route comes from: a Codat contract or our extension. */
export type RouteOrigin = 'codat-current' | 'codat-2023' | 'codat-partner' | 'codat-data-model' | 'extension';

/** One HTTP route of the sync service, described for docs and contract tests. */
export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with `{param}` placeholders, as in the Codat OpenAPI files. */
  path: string;
  summary: string;
  origin: RouteOrigin;
  /** False for routes reachable without the API key. */
  auth: boolean;
  request?: z.ZodType;
  response?: z.ZodType;
  /** Query parameters, documented. */
  query?: string;
}

/** Read-back of pushed data: the commerce data model's GET operations (`{id}` = the record's id). */
const READ_BACK: [string, string, string][] = [
  ['customers', 'list-customers', 'get-customer'],
  ['disputes', 'list-disputes', 'get-dispute'],
  ['locations', 'list-locations', 'get-location'],
  ['orders', 'list-orders', 'get-order'],
  ['payments', 'list-payments', 'get-payment'],
  ['paymentMethods', 'list-payment-methods', 'get-payment-method'],
  ['products', 'list-products', 'get-product'],
  ['transactions', 'list-transactions', 'get-transaction'],
  ['productCategories', 'list-product-categories', 'get-product-category'],
  ['taxComponents', 'list-tax-components', 'get-tax-component'],
];
const DATA = '/companies/{companyId}/connections/{connectionId}/data';
const idParam: Record<string, string> = {
  customers: 'customerId', disputes: 'disputeId', locations: 'locationId', orders: 'orderId', payments: 'paymentId',
  paymentMethods: 'paymentMethodId', products: 'productId', transactions: 'transactionId', productCategories: 'productId', taxComponents: 'taxId',
};
const READ_BACK_ROUTES: RouteSpec[] = [
  { operationId: 'get-company-info', method: 'GET', path: `${DATA}/commerce-info`, summary: 'The company as the commerce source knows it (name).', origin: 'codat-data-model', auth: true },
  ...READ_BACK.flatMap(([type, list, get]): RouteSpec[] => [
    { operationId: list, method: 'GET', path: `${DATA}/commerce-${type}`, summary: `Pushed ${type}, newest first${type === 'customers' || type === 'disputes' ? ' (never pushed: empty)' : ''}; page, pageSize (≤ 2000), query (field=value joined by &&; also != > < >= <=), orderBy (-field for descending). Filtering or ordering reads at most 10,000 records.`, origin: 'codat-data-model', auth: true, query: 'page, pageSize, query, orderBy' },
    { operationId: get, method: 'GET', path: `${DATA}/commerce-${type}/{${idParam[type]}}`, summary: `One pushed ${type.replace(/s$/, '')} record by id (404 when not pushed).`, origin: 'codat-data-model', auth: true },
  ]),
];

/** Every route the sync service serves (the sandbox mount `/sandbox/*` aside). */
export const ROUTES: readonly RouteSpec[] = [
  { operationId: 'list-companies', method: 'GET', path: '/companies', summary: 'List companies; filter by tag with query=tags.<name>=<value>.', origin: 'codat-current', auth: true, response: CompaniesSchema, query: 'page, pageSize, query' },
  { operationId: 'create-company', method: 'POST', path: '/companies', summary: 'Create a company (one merchant) with optional tags; its commerce connection is created Linked.', origin: 'codat-current', auth: true, request: CreateCompanySchema, response: CompanySchema },
  { operationId: 'get-company', method: 'GET', path: '/companies/{companyId}', summary: 'Get a company with its connections.', origin: 'extension', auth: true, response: CompanySchema },
  { operationId: 'delete-company', method: 'DELETE', path: '/companies/{companyId}', summary: 'Delete a company and all its data; revokes accounting tokens. 204.', origin: 'extension', auth: true },
  { operationId: 'list-connections', method: 'GET', path: '/companies/{companyId}/connections', summary: 'List the company\'s data connections.', origin: 'codat-current', auth: true, response: ConnectionsSchema, query: 'page, pageSize' },
  { operationId: 'create-connection', method: 'POST', path: '/companies/{companyId}/connections', summary: 'Create a connection to an accounting platform (status PendingAuth).', origin: 'codat-current', auth: true, request: CreateConnectionSchema, response: ConnectionSchema },
  { operationId: 'get-connection', method: 'GET', path: '/companies/{companyId}/connections/{connectionId}', summary: 'Get one connection.', origin: 'extension', auth: true, response: ConnectionSchema },
  { operationId: 'update-connection', method: 'PATCH', path: '/companies/{companyId}/connections/{connectionId}', summary: '{status:"Unlinked"} de-authorises: revokes and erases the tokens.', origin: 'codat-current', auth: true, request: UpdateConnectionSchema, response: ConnectionSchema },
  { operationId: 'delete-connection', method: 'DELETE', path: '/companies/{companyId}/connections/{connectionId}', summary: 'Delete a connection (revokes tokens). 204.', origin: 'extension', auth: true },
  { operationId: 'list-companies-2023', method: 'GET', path: '/meta/companies', summary: 'List companies (2023 contract): as GET /companies, each with `platform` (the accounting platform name, or empty).', origin: 'codat-2023', auth: true, response: CompaniesSchema, query: 'page, pageSize, query' },
  { operationId: 'post-companies', method: 'POST', path: '/meta/companies/sync', summary: 'Create a company (2023 contract): {name}; as POST /companies, with `platform`.', origin: 'codat-2023', auth: true, request: CreateCompanySchema, response: CompanySchema },
  { operationId: 'get-dataconnections', method: 'GET', path: '/meta/companies/{companyId}/connections', summary: 'List connections (2023 contract).', origin: 'codat-2023', auth: true, response: ConnectionsSchema, query: 'page, pageSize' },
  { operationId: 'add-data-connection', method: 'POST', path: '/meta/companies/{companyId}/connections', summary: 'Create a connection (2023 contract): the body is the platform key as a JSON string ("gbol"), or {platformKey}.', origin: 'codat-2023', auth: true, response: ConnectionSchema },
  { operationId: 'update-data-connection', method: 'PATCH', path: '/meta/companies/{companyId}/connections/{connectionId}', summary: 'Update a connection (2023 contract): {status:"Unlinked"} de-authorises.', origin: 'codat-2023', auth: true, request: UpdateConnectionSchema, response: ConnectionSchema },
  { operationId: 'start-authorization', method: 'POST', path: '/companies/{companyId}/connections/{connectionId}/authorization/start', summary: 'Get the platform consent URL for the merchant (state, redirectUri, optional PKCE challenge).', origin: 'extension', auth: true, request: AuthorizationStartSchema, response: AuthorizationUrlSchema },
  { operationId: 'update-connection-authorization', method: 'PUT', path: '/companies/{companyId}/connections/{connectionId}/authorization', summary: 'Complete authorization with the callback code; tokens are stored encrypted; returns the Linked connection.', origin: 'codat-current', auth: true, request: AuthorizationCallbackSchema, response: ConnectionSchema },
  { operationId: 'get-configuration', method: 'GET', path: '/config/companies/{companyId}/sync/commerce', summary: 'Configuration with every option list filled from the live ledger.', origin: 'codat-current', auth: true, response: ConfigurationSchema },
  { operationId: 'set-configuration', method: 'POST', path: '/config/companies/{companyId}/sync/commerce', summary: 'Save the configuration; selections are validated against the live ledger with merchant-facing messages.', origin: 'codat-current', auth: true, request: ConfigurationSchema, response: ConfigurationSchema },
  { operationId: 'list-integrations', method: 'GET', path: '/config/integrations', summary: 'Accounting platforms available.', origin: 'codat-current', auth: true, response: IntegrationsSchema, query: 'page, pageSize' },
  { operationId: 'get-integration-branding', method: 'GET', path: '/config/integrations/{platformKey}/branding', summary: 'Logos and button images of a platform.', origin: 'codat-current', auth: true, response: BrandingSchema },
  { operationId: 'get-sync-flow-url', method: 'GET', path: '/config/sync/commerce/{commerceKey}/{accountingKey}/start', summary: 'Sync-flow start URL with a single-use code valid 30 s (company found or created by merchantIdentifier).', origin: 'codat-current', auth: true, response: SyncFlowUrlSchema, query: 'merchantIdentifier, redirectUrl (on the redirect allow-list)' },
  { operationId: 'redeem-sync-flow', method: 'POST', path: '/sync-flow/redeem', summary: 'Exchange a sync-flow code (once, within 30 s) for its company. No API key: the code is the credential.', origin: 'extension', auth: false, request: SyncFlowRedeemSchema, response: SyncFlowSessionSchema },
  { operationId: 'get-config-text-sync-flow', method: 'GET', path: '/sync/commerce/config/ui/text', summary: 'Sync-flow UI texts for a locale (en-us, fr-fr) with partner overrides.', origin: 'codat-current', auth: true, response: LocalizationInfoSchema, query: 'locale (required)' },
  { operationId: 'update-config-text-sync-flow', method: 'PATCH', path: '/sync/commerce/config/ui/text', summary: 'Override sync-flow texts for a locale.', origin: 'codat-current', auth: true, request: LocalizationInfoSchema, response: LocalizationInfoSchema, query: 'locale (required)' },
  { operationId: 'get-visible-accounts', method: 'GET', path: '/clients/{clientId}/config/ui/accounts/platform/{platformKey}', summary: 'Account rows the sync flow shows for a platform (null = all).', origin: 'codat-current', auth: true, response: VisibleAccountsSchema },
  { operationId: 'update-visible-accounts-sync-flow', method: 'POST', path: '/sync/commerce/config/ui/accounts/platform/{platformKey}', summary: 'Set the account rows shown for a platform.', origin: 'codat-current', auth: true, request: VisibleAccountsSchema, response: VisibleAccountsSchema },
  { operationId: 'send-orders-data', method: 'POST', path: '/data/companies/{companyId}/sync/commerce-orders', summary: 'Push orders ({orders:[…]}, ≤ 5,000; {id} alone deletes).', origin: 'codat-2023', auth: true, response: PushResponseSchema },
  { operationId: 'send-payments-data', method: 'POST', path: '/data/companies/{companyId}/sync/commerce-payments', summary: 'Push payments ({payments:[…]}).', origin: 'codat-2023', auth: true, response: PushResponseSchema },
  { operationId: 'send-transactions-data', method: 'POST', path: '/data/companies/{companyId}/sync/commerce-transactions', summary: 'Push transactions ({transactions:[…]}).', origin: 'codat-2023', auth: true, response: PushResponseSchema },
  { operationId: 'check-data-status', method: 'GET', path: '/meta/companies/{companyId}/pull/history/{datasetId}', summary: 'Status of a pushed dataset (accepted, ignored, deleted, re-opened days).', origin: 'codat-2023', auth: true, response: DatasetStatusSchema },
  { operationId: 'post-commerce-orders', method: 'POST', path: '/companies/{companyId}/data/commerce-orders', summary: 'Push orders (JSON array); X-Dataset-Id response header.', origin: 'codat-partner', auth: true },
  { operationId: 'post-commerce-payments', method: 'POST', path: '/companies/{companyId}/data/commerce-payments', summary: 'Push payments (JSON array).', origin: 'codat-partner', auth: true },
  { operationId: 'post-commerce-transactions', method: 'POST', path: '/companies/{companyId}/data/commerce-transactions', summary: 'Push transactions (JSON array).', origin: 'codat-partner', auth: true },
  { operationId: 'put-commerce-locations', method: 'PUT', path: '/companies/{companyId}/data/commerce-locations', summary: 'Push locations (JSON array).', origin: 'codat-partner', auth: true },
  { operationId: 'put-commerce-taxComponents', method: 'PUT', path: '/companies/{companyId}/data/commerce-taxComponents', summary: 'Push tax components (JSON array).', origin: 'codat-partner', auth: true },
  { operationId: 'put-commerce-products', method: 'PUT', path: '/companies/{companyId}/data/commerce-products', summary: 'Push products (JSON array).', origin: 'codat-partner', auth: true },
  { operationId: 'put-commerce-paymentMethods', method: 'PUT', path: '/companies/{companyId}/data/commerce-paymentMethods', summary: 'Push payment methods (JSON array).', origin: 'codat-partner', auth: true },
  { operationId: 'put-commerce-productCategories', method: 'PUT', path: '/companies/{companyId}/data/commerce-productCategories', summary: 'Push product categories (JSON array).', origin: 'extension', auth: true },
  ...READ_BACK_ROUTES,
  { operationId: 'request-sync', method: 'POST', path: '/companies/{companyId}/sync/commerce/latest', summary: 'Sync from the last successful day up to yesterday (or syncTo), including re-opened days.', origin: 'codat-current', auth: true, request: SyncToLatestArgsSchema, response: SyncSummarySchema },
  { operationId: 'request-sync-for-date-range', method: 'POST', path: '/meta/companies/{companyId}/sync/commerce/historic', summary: 'Sync whole merchant-local days start..finish (inclusive); overlapping synced days → 5080.', origin: 'codat-current', auth: true, request: SyncRangeSchema, response: SyncSummarySchema },
  { operationId: 'get-sync-status', method: 'GET', path: '/meta/companies/{companyId}/sync/commerce/status', summary: 'Latest sync with the company\'s connections.', origin: 'codat-current', auth: true, response: SyncStatusSchema },
  { operationId: 'get-last-successful-sync', method: 'GET', path: '/companies/{companyId}/sync/commerce/syncs/lastSuccessful/status', summary: 'Last successful sync.', origin: 'codat-current', auth: true, response: CompanySyncStatusSchema },
  { operationId: 'get-latest-sync', method: 'GET', path: '/companies/{companyId}/sync/commerce/syncs/latest/status', summary: 'Latest sync.', origin: 'codat-current', auth: true, response: CompanySyncStatusSchema },
  { operationId: 'list-syncs', method: 'GET', path: '/companies/{companyId}/sync/commerce/syncs/list/status', summary: 'All syncs, newest first.', origin: 'codat-current', auth: true },
  { operationId: 'get-sync-by-id', method: 'GET', path: '/companies/{companyId}/sync/commerce/syncs/{syncId}/status', summary: 'One sync.', origin: 'codat-current', auth: true, response: CompanySyncStatusSchema },
  { operationId: 'list-push-items', method: 'GET', path: '/companies/{companyId}/sync/commerce/syncs/{syncId}/items', summary: 'Per-document results (push items) of a sync.', origin: 'extension', auth: true, response: PushItemsSchema },
  { operationId: 'retry-sync', method: 'POST', path: '/companies/{companyId}/sync/commerce/syncs/{syncId}/retry', summary: 'Retry only the failed documents of a sync, idempotently.', origin: 'extension', auth: true, response: CompanySyncStatusSchema },
  { operationId: 'preview-sync', method: 'POST', path: '/companies/{companyId}/sync/commerce/preview', summary: 'Dry run: the documents a configuration (unsaved; {} = the saved one) would post for the most recent day with pushed records, each line\'s account named, with what was already posted that day and the validation set-configuration would apply. Reads the ledger\'s chart; writes nothing.', origin: 'extension', auth: true, request: ConfigurationSchema, response: SyncPreviewSchema },
  { operationId: 'get-queue-health', method: 'GET', path: '/health/queue', summary: 'The run queue: jobs queued, running, waiting on a vendor budget and failed, companies due and not yet run with the oldest due time and its age, in total and by accounting platform. One queue for every instance on PostgreSQL (pg-boss), this process\'s own on SQLite.', origin: 'extension', auth: true, response: QueueHealthSchema },
  { operationId: 'list-webhook-deliveries', method: 'GET', path: '/webhooks/deliveries', summary: 'Webhook deliveries, newest first; filter by companyId, type, status, endpointId, eventId; limit and cursor page (404 webhooks_disabled without endpoints).', origin: 'extension', auth: true, response: WebhookDeliveryPageSchema },
  { operationId: 'get-webhook-delivery', method: 'GET', path: '/webhooks/deliveries/{deliveryId}', summary: 'One webhook delivery with its event and last attempt.', origin: 'extension', auth: true, response: WebhookDeliverySchema },
  { operationId: 'redeliver-webhook', method: 'POST', path: '/webhooks/deliveries/{deliveryId}/redeliver', summary: 'Send a delivery again now (202 with the delivery that will be sent).', origin: 'extension', auth: true, response: WebhookDeliverySchema },
];
