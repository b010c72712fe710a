import { z } from 'zod';
import {
  CompaniesSchema,
  CompanySyncStatusSchema,
  ConnectionsSchema,
  PushResponseSchema,
  SyncSummarySchema,
  type Company,
  type CompanySyncStatus,
  type Connection,
  type PushDataType,
  type SyncSummary,
} from '../../src/contract/sync-api.js';
import { ErrorEnvelopeSchema } from '../../src/contract/errors.js';
import {
  SandboxLedgerSummarySchema,
  SandboxPostedDocumentSchema,
  SandboxTrialBalanceSchema,
  type SandboxLedgerSummary,
  type SandboxPostedDocument,
  type SandboxTrialBalance,
} from '../../src/platforms/sandbox/schemas.js';

const SandboxLedgerListSchema = z.object({ items: z.array(SandboxLedgerSummarySchema) });
const SandboxDocumentListSchema = z.object({ items: z.array(SandboxPostedDocumentSchema) });

/** A failed call to the sync service, with its message for the partner's logs and UI. */
export class SyncServiceError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SyncServiceError';
  }
}

/**
 * The partner server's client of the sync service's HTTP API. It holds the API key, which never
 * leaves the partner's server.
 */
export interface SyncClient {
  /** The company tagged with the partner's merchant id, or null before the merchant's first visit. */
  findCompany(merchantId: string): Promise<Company | null>;
  connections(companyId: string): Promise<Connection[]>;
  /**
   * Pushes records of one data type through the 2023 push endpoint
   * (`POST /data/companies/{companyId}/sync/commerce-{type}`, body `{ <type>: [...] }`); at most
   * 5,000 records a request, so callers batch. Returns the dataset id.
   */
  push(companyId: string, type: PushDataType, records: readonly unknown[]): Promise<string>;
  /** Starts a sync from the last successful period to now. */
  syncLatest(companyId: string): Promise<SyncSummary>;
  syncStatus(companyId: string, syncId: string): Promise<CompanySyncStatus>;
  /** The sandbox ledger's JSON views (the sandbox accounting platform is mounted in the sync service). */
  sandboxLedgers(): Promise<SandboxLedgerSummary[]>;
  sandboxDocuments(ledgerId: string): Promise<SandboxPostedDocument[]>;
  sandboxTrialBalance(ledgerId: string): Promise<SandboxTrialBalance>;
}

/** Creates the client for the sync service at `baseUrl` (no trailing slash). */
export function createSyncClient(options: {
  baseUrl: string;
  apiKey: string;
  /** Defaults to the global fetch (HTTP to the sync service). */
  fetch?: (request: Request) => Promise<Response>;
}): SyncClient {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const authorization = `Basic ${Buffer.from(options.apiKey).toString('base64')}`;

  async function call<T extends z.ZodType>(
    schema: T,
    path: string,
    init: { method?: string; body?: unknown; auth?: boolean } = {},
  ): Promise<z.infer<T>> {
    const headers = new Headers({ accept: 'application/json' });
    if (init.auth !== false) headers.set('authorization', authorization);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    const response = await send(
      new Request(`${options.baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }),
    );
    const text = await response.text();
    const body: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const envelope = ErrorEnvelopeSchema.safeParse(body);
      const detail = envelope.success
        ? [envelope.data.error, ...(envelope.data.validation?.errors.map((e) => `${e.itemId}: ${e.message}`) ?? [])].join(' ')
        : `HTTP ${response.status}`;
      throw new SyncServiceError(
        `${init.method ?? 'GET'} ${path} failed: ${detail}`,
        response.status,
        envelope.success ? envelope.data.code : 'http_error',
      );
    }
    return schema.parse(body);
  }

  return {
    async findCompany(merchantId) {
      const query = encodeURIComponent(`tags.merchantId=${merchantId}`);
      const page = await call(CompaniesSchema, `/companies?query=${query}`);
      return page.results[0] ?? null;
    },
    async connections(companyId) {
      const page = await call(ConnectionsSchema, `/companies/${encodeURIComponent(companyId)}/connections`);
      return page.results;
    },
    async push(companyId, type, records) {
      const result = await call(PushResponseSchema, `/data/companies/${encodeURIComponent(companyId)}/sync/commerce-${type}`, {
        method: 'POST',
        body: { [type]: records },
      });
      return result.datasetId;
    },
    syncLatest(companyId) {
      return call(SyncSummarySchema, `/companies/${encodeURIComponent(companyId)}/sync/commerce/latest`, {
        method: 'POST',
        body: {},
      });
    },
    syncStatus(companyId, syncId) {
      return call(
        CompanySyncStatusSchema,
        `/companies/${encodeURIComponent(companyId)}/sync/commerce/syncs/${encodeURIComponent(syncId)}/status`,
      );
    },
    async sandboxLedgers() {
      return (await call(SandboxLedgerListSchema, '/sandbox/ledgers', { auth: false })).items;
    },
    async sandboxDocuments(ledgerId) {
      return (await call(SandboxDocumentListSchema, `/sandbox/ledgers/${encodeURIComponent(ledgerId)}/documents`, { auth: false })).items;
    },
    sandboxTrialBalance(ledgerId) {
      return call(SandboxTrialBalanceSchema, `/sandbox/ledgers/${encodeURIComponent(ledgerId)}/trial-balance`, { auth: false });
    },
  };
}
