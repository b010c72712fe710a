import { z } from 'zod';
import { ConfigurationSchema } from '../contract/configuration.js';
import { absentNotNull } from '../contract/wire.js';
import { SyncPreviewSchema, type SyncPreview } from '../contract/preview.js';
import type { Configuration } from '../contract/configuration.js';
import { ErrorEnvelopeSchema } from '../contract/errors.js';
import type { ErrorEnvelope } from '../contract/errors.js';
import {
  AuthorizationUrlSchema,
  BrandingSchema,
  CompaniesSchema,
  CompanySchema,
  CompanySyncStatusSchema,
  ConnectionSchema,
  IntegrationsSchema,
  SyncSummarySchema,
} from '../contract/sync-api.js';
import type { Branding, Company, CompanySyncStatus, Connection, Integration, SyncSummary } from '../contract/sync-api.js';

/** How the BFF reaches the sync service. The API key never leaves the server. */
export interface SyncServiceOptions {
  /** Base URL of the sync service API, e.g. `http://127.0.0.1:4010`. */
  baseUrl: string;
  /** The sync service API key; sent as `Authorization: Basic base64(apiKey)`. */
  apiKey: string;
  /** Transport; defaults to the global `fetch`. Tests route it to the service's handler in-process. */
  fetch?: (request: Request) => Promise<Response>;
  /** Per-call timeout in milliseconds (default 30 s). */
  timeoutMs?: number;
}

/** The sync service answered with a non-2xx status. `envelope` is its error body when it sent one. */
export class SyncServiceError extends Error {
  constructor(
    readonly status: number,
    readonly envelope: ErrorEnvelope | null,
    readonly retryAfter: string | null,
    readonly operation: string,
  ) {
    super(`sync service ${operation} answered ${status}${envelope ? `: ${envelope.code} ${envelope.error}` : ''}`);
    this.name = 'SyncServiceError';
  }
}

/** The sync service could not be reached or sent a body that breaks the contract. */
export class SyncServiceUnavailableError extends Error {
  constructor(
    readonly operation: string,
    readonly detail: string,
  ) {
    super(`sync service ${operation} failed: ${detail}`);
    this.name = 'SyncServiceUnavailableError';
  }
}

const SyncStatusListSchema = z.array(CompanySyncStatusSchema);

/** A typed client for the sync service endpoints the BFF uses (Codat paths plus our extensions). */
export interface SyncServiceClient {
  findCompanyByMerchant(merchantId: string): Promise<Company | null>;
  createCompany(name: string, merchantId: string): Promise<Company>;
  deleteCompany(companyId: string): Promise<void>;
  listIntegrations(): Promise<Integration[]>;
  getBranding(platformKey: string): Promise<Branding>;
  createConnection(companyId: string, platformKey: string): Promise<Connection>;
  startAuthorization(
    companyId: string,
    connectionId: string,
    body: { state: string; redirectUri: string; codeChallenge?: string },
  ): Promise<{ url: string }>;
  completeAuthorization(companyId: string, connectionId: string, body: Record<string, string>): Promise<Connection>;
  updateConnectionStatus(companyId: string, connectionId: string, status: 'Unlinked'): Promise<Connection>;
  getConfiguration(companyId: string): Promise<Configuration>;
  setConfiguration(companyId: string, configuration: Configuration): Promise<Configuration>;
  /** The dry run of an unsaved configuration (nothing written). */
  previewConfiguration(companyId: string, configuration: Configuration): Promise<SyncPreview>;
  requestLatestSync(companyId: string): Promise<SyncSummary>;
  requestHistoricSync(companyId: string, range: { start: string; finish: string }): Promise<SyncSummary>;
  listSyncStatuses(companyId: string): Promise<CompanySyncStatus[]>;
  getSyncStatus(companyId: string, syncId: string): Promise<CompanySyncStatus>;
}

/** Builds the sync service client. */
export function createSyncServiceClient(options: SyncServiceOptions): SyncServiceClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const transport = options.fetch ?? ((request: Request) => fetch(request));
  const authorization = `Basic ${Buffer.from(options.apiKey).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const seg = encodeURIComponent;

  async function call<T>(
    operation: string,
    method: string,
    path: string,
    schema: z.ZodType<T> | null,
    body?: unknown,
  ): Promise<T> {
    const headers = new Headers({ authorization, accept: 'application/json' });
    if (body !== undefined) headers.set('content-type', 'application/json');
    const request = new Request(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    let response: Response;
    try {
      response = await transport(request);
    } catch (error) {
      throw new SyncServiceUnavailableError(operation, error instanceof Error ? error.message : String(error));
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      let envelope: ErrorEnvelope | null = null;
      try {
        const parsed = ErrorEnvelopeSchema.safeParse(JSON.parse(text));
        if (parsed.success) envelope = parsed.data;
      } catch {
        envelope = null;
      }
      throw new SyncServiceError(response.status, envelope, response.headers.get('retry-after'), operation);
    }
    if (schema === null) return undefined as T;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new SyncServiceUnavailableError(operation, `response is not JSON (status ${response.status})`);
    }
    // A sync service from before issue 14 sent null where the contract now leaves a field out.
    const parsed = schema.safeParse(absentNotNull(schema, data));
    if (!parsed.success) {
      throw new SyncServiceUnavailableError(operation, `response breaks the contract: ${parsed.error.message}`);
    }
    return parsed.data;
  }

  return {
    async findCompanyByMerchant(merchantId) {
      const query = new URLSearchParams({ query: `tags.merchantId=${merchantId}`, pageSize: '100' });
      const page = await call('list companies', 'GET', `/companies?${query}`, CompaniesSchema);
      // The tag filter is re-checked exactly here so that no query-language quirk can ever
      // hand one merchant another merchant's company.
      const mine = page.results.filter((c) => c.tags.merchantId === merchantId);
      mine.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
      return mine[0] ?? null;
    },
    createCompany(name, merchantId) {
      return call('create company', 'POST', '/companies', CompanySchema, { name, tags: { merchantId } });
    },
    deleteCompany(companyId) {
      return call('delete company', 'DELETE', `/companies/${seg(companyId)}`, null);
    },
    async listIntegrations() {
      const page = await call('list integrations', 'GET', '/config/integrations?pageSize=100', IntegrationsSchema);
      return page.results;
    },
    getBranding(platformKey) {
      return call('get branding', 'GET', `/config/integrations/${seg(platformKey)}/branding`, BrandingSchema);
    },
    createConnection(companyId, platformKey) {
      return call('create connection', 'POST', `/companies/${seg(companyId)}/connections`, ConnectionSchema, {
        platformKey,
      });
    },
    startAuthorization(companyId, connectionId, body) {
      return call(
        'start authorization',
        'POST',
        `/companies/${seg(companyId)}/connections/${seg(connectionId)}/authorization/start`,
        AuthorizationUrlSchema,
        body,
      );
    },
    completeAuthorization(companyId, connectionId, body) {
      return call(
        'complete authorization',
        'PUT',
        `/companies/${seg(companyId)}/connections/${seg(connectionId)}/authorization`,
        ConnectionSchema,
        body,
      );
    },
    updateConnectionStatus(companyId, connectionId, status) {
      return call(
        'update connection',
        'PATCH',
        `/companies/${seg(companyId)}/connections/${seg(connectionId)}`,
        ConnectionSchema,
        { status },
      );
    },
    getConfiguration(companyId) {
      return call('get configuration', 'GET', `/config/companies/${seg(companyId)}/sync/commerce`, ConfigurationSchema);
    },
    setConfiguration(companyId, configuration) {
      return call(
        'set configuration',
        'POST',
        `/config/companies/${seg(companyId)}/sync/commerce`,
        ConfigurationSchema,
        configuration,
      );
    },
    previewConfiguration(companyId, configuration) {
      return call('preview configuration', 'POST', `/companies/${seg(companyId)}/sync/commerce/preview`, SyncPreviewSchema, configuration);
    },
    requestLatestSync(companyId) {
      return call('request sync', 'POST', `/companies/${seg(companyId)}/sync/commerce/latest`, SyncSummarySchema, {});
    },
    requestHistoricSync(companyId, range) {
      return call(
        'request historic sync',
        'POST',
        `/meta/companies/${seg(companyId)}/sync/commerce/historic`,
        SyncSummarySchema,
        { dateRange: range },
      );
    },
    listSyncStatuses(companyId) {
      return call(
        'list sync statuses',
        'GET',
        `/companies/${seg(companyId)}/sync/commerce/syncs/list/status`,
        SyncStatusListSchema,
      );
    },
    getSyncStatus(companyId, syncId) {
      return call(
        'get sync status',
        'GET',
        `/companies/${seg(companyId)}/sync/commerce/syncs/${seg(syncId)}/status`,
        CompanySyncStatusSchema,
      );
    },
  };
}
