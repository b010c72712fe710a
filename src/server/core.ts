import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { validateConfiguration } from '../contract/configuration-rules.js';
import { ConfigurationSchema, normalizeConfiguration, outputModeOf, type Configuration } from '../contract/configuration.js';
import type { FieldError } from '../contract/errors.js';
import { CODAT_PARTNER_COMMERCE_KEY, CODAT_PLATFORM_KEYS } from '../contract/platform-keys.js';
import { absentNotNull } from '../contract/wire.js';
import {
  AuthorizationCallbackSchema,
  AuthorizationStartSchema,
  CreateCompanySchema,
  CreateConnectionSchema,
  LocalizationInfoSchema,
  SyncRangeSchema,
  SyncToLatestArgsSchema,
  UiLocaleSchema,
  UpdateConnectionSchema,
  VisibleAccountsSchema,
  type Branding,
  type Company,
  type CompanySyncStatus,
  type Connection,
  type DatasetStatus,
  type Integration,
  type ListQuery,
  type LocalizationInfo,
  type PushDataType,
  type PushItem,
  type SyncFlowSession,
  type SyncSummary,
  type UiLocale,
} from '../contract/sync-api.js';
import type { AccountingConnector, CompanyInfo, ConnectionTokens } from '../platforms/connector.js';
import type { ConfigurationSection } from '../contract/webhooks.js';
import { ConnectorError } from '../platforms/connector.js';
import { withOptions, selectionsOnly, type LedgerSnapshot } from './configuration.js';
import { accountingConnection, connectorContext } from './connections.js';
import { NO_EVENTS, type ServiceEvents } from './events.js';
import type { SecretBox } from './crypto.js';
import { HttpError, notFound, parseOrThrow } from './errors.js';
import { commerceFacts } from './facts.js';
import { ingestPush, type AcceptedRecords, type PushInput } from './push.js';
import { RunAbort, type RunEngine } from './runs/engine.js';
import { describeFailure } from './runs/status.js';
import { NO_FAILING_STREAK, type CompanyRecord, type ConnectionRecord, type DatasetRecord, type RunRecord, type Store } from './store/index.js';
import { addDays, localDateOf, localDayBounds } from './time.js';
import { defaultUiText, isCodatTextKey } from './ui-text.js';
import { assertAllowedRedirect, type HostedFlowGrant } from './hosted-flow.js';
import { buildPreview } from './preview.js';
import type { SyncPreview } from '../contract/preview.js';

/** The commerce source companies are linked to (the partner pushing data). */
export interface CommerceSource {
  key: string;
  name: string;
  logoUrl?: string;
}

/** Dependencies of {@link SyncCore}. */
export interface SyncCoreOptions {
  store: Store;
  connectors: ReadonlyMap<string, AccountingConnector>;
  box: SecretBox;
  engine: RunEngine;
  now: () => Date;
  /** Absolute base URL of this service (for link URLs). */
  publicUrl: string;
  commerce: CommerceSource;
  /** Base URL the sync-flow code is appended to (the partner's widget page). Default `${publicUrl}/sync-flow`. */
  syncFlowUrl?: string;
  /** Redirect URLs the start operation's `redirectUrl` may name (see `isAllowedRedirect`). */
  redirectAllowList?: readonly string[];
  /**
   * Signs a company id into its `redirect` and its connections' `linkUrl` (query `link`), so
   * opened in a browser without the API key they open the hosted flow (see `browserLinkUrl`).
   * Without it the URLs carry no signature and need the key.
   */
  linkSignature?: (companyId: string) => string;
  /** Signs the start URL's `redirectUrl` to its code (see `signRedirect`); without it no signature is added. */
  signRedirect?: (code: string, redirectUrl: string) => string;
  /** Where connection and configuration events go (webhooks). */
  events?: ServiceEvents;
}

/** Top-level configuration sections a `configuration.changed` event reports, by where they live. */
const SECTION_PATHS: readonly [ConfigurationSection, (c: Configuration) => unknown][] = [
  ['schedule', (c) => c.schedule],
  ['mapSettings', (c) => c.configuration?.mapSettings],
  ['sales', (c) => c.configuration?.sales],
  ['payments', (c) => c.configuration?.payments],
  ['fees', (c) => c.configuration?.fees],
];

/** Sections whose saved selections differ between two stored configurations (and `enabled` if it flipped). */
export function changedSections(before: Configuration | null, after: Configuration, enabledBefore: boolean, enabledAfter: boolean): ConfigurationSection[] {
  const out: ConfigurationSection[] = [];
  if (enabledBefore !== enabledAfter) out.push('enabled');
  for (const [section, read] of SECTION_PATHS) {
    if (JSON.stringify(before ? read(before) ?? null : null) !== JSON.stringify(read(after) ?? null)) out.push(section);
  }
  return out;
}

/** Whether a raw configuration body says whether sync is on (`enabled`, or the current contract's `enable`). */
function saysEnabled(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  return typeof b.enabled === 'boolean' || typeof b.enable === 'boolean';
}

/** How long a sync-flow URL's code stays valid. */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stored selections as a set-configuration body that does not say whether sync is on. */
function currentSelections(stored: Configuration | null): Configuration {
  const { enabled: _enabled, enable: _enable, ...rest } = stored ?? {};
  return rest;
}

/**
 * A strict Codat client can only send `outputFormat: "JournalEntry"` and drops `outputMode`
 * (an extension it does not know), so once configured, a save without `outputMode` and
 * without the older `outputFormat: "Invoice"` keeps the stored mode instead of switching.
 */
function keepStoredMode(posted: Configuration, configured: Configuration | null): Configuration {
  const stored = outputModeOf(configured?.configuration?.mapSettings);
  const map = posted.configuration?.mapSettings;
  if (!stored || !posted.configuration || map?.outputMode || map?.outputFormat === 'Invoice') return posted;
  return { ...posted, configuration: { ...posted.configuration, mapSettings: { ...map, outputMode: stored } } };
}

export const SYNC_FLOW_CODE_TTL_MS = 30_000;

function stableUuid(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The sync service's operations, framework-free: the HTTP layer (app.ts) only parses
 * requests, calls these and serialises results. Every input is validated with the contract
 * schemas; failures are {@link HttpError}s carrying the envelope fields.
 */
export class SyncCore {
  constructor(private readonly o: SyncCoreOptions) {}

  private get store(): Store {
    return this.o.store;
  }

  private get events(): ServiceEvents {
    return this.o.events ?? NO_EVENTS;
  }

  /**
   * This service's key for a platform key as sent: Codat's four-letter keys (`gbol`, `qhyg`,
   * …, and `lqai` for the partner's commerce data) are aliases of ours.
   */
  platformKeyOf(key: string): string {
    if (key === CODAT_PARTNER_COMMERCE_KEY) return this.o.commerce.key;
    const codat = CODAT_PLATFORM_KEYS[key];
    return codat?.side === 'accounting' ? codat.key : key;
  }

  private isCommerceKey(key: string): boolean {
    return this.platformKeyOf(key) === this.o.commerce.key;
  }

  private connector(key: string): AccountingConnector {
    const connector = this.o.connectors.get(this.platformKeyOf(key));
    if (connector) return connector;
    const codat = CODAT_PLATFORM_KEYS[key];
    const named = codat ? `${codat.platform} (Codat key "${key}")` : `"${key}"`;
    throw new HttpError(404, 'not_found', `No accounting platform ${named} is available on this service. List /config/integrations for the platforms you can connect.`);
  }

  async requireCompany(companyId: string): Promise<CompanyRecord> {
    const company = await this.store.getCompany(companyId);
    if (!company) throw notFound('company', companyId);
    return company;
  }

  private async requireConnection(companyId: string, connectionId: string): Promise<ConnectionRecord> {
    await this.requireCompany(companyId);
    const connection = await this.store.getConnection(companyId, connectionId);
    if (!connection) throw notFound('connection', connectionId);
    return connection;
  }

  // Presentation

  /** Display name of a platform key (accounting connectors and the commerce source). */
  platformName(key: string): string {
    if (key === this.o.commerce.key) return this.o.commerce.name;
    return this.o.connectors.get(key)?.platform.name ?? key;
  }

  private linkQuery(companyId: string): string {
    return this.o.linkSignature ? `?link=${this.o.linkSignature(companyId)}` : '';
  }

  /**
   * A company's `redirect` or a connection's `linkUrl` opened in a browser: checks the `link`
   * signature and returns a fresh hosted-flow start URL (single-use code) for that company, on
   * the connection's platform when one is named.
   */
  async browserLinkUrl(companyId: string, connectionId: string | null, signature: string): Promise<string> {
    const expected = this.o.linkSignature ? Buffer.from(this.o.linkSignature(companyId)) : null;
    const given = Buffer.from(signature);
    if (!expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new HttpError(403, 'link_invalid', 'This link is not valid. Open accounting sync again from the site you came from.');
    }
    const company = await this.requireCompany(companyId);
    const connections = await this.store.listConnections(company.id);
    const connection = connectionId ? connections.find((c) => c.id === connectionId) : connections.find((c) => c.sourceType === 'Accounting');
    if (connectionId && !connection) throw new HttpError(404, 'not_found', 'This connection no longer exists. Open accounting sync again from the site you came from.');
    const accounting = connection?.sourceType === 'Accounting' ? connection.platformKey : (this.o.connectors.keys().next().value ?? 'sandbox');
    return this.mintSyncFlowUrl(company, accounting, company.tags.merchantIdentifier ?? null, null);
  }

  toConnection(c: ConnectionRecord): Connection {
    return {
      id: c.id,
      integrationId: stableUuid(`integration:${c.platformKey}`),
      integrationKey: c.platformKey,
      sourceId: stableUuid(`source:${c.platformKey}`),
      sourceType: c.sourceType,
      platformName: this.platformName(c.platformKey),
      linkUrl: `${this.o.publicUrl}/companies/${c.companyId}/connections/${c.id}/authorization/start${this.linkQuery(c.companyId)}`,
      status: c.status,
      lastSync: c.lastSync ?? undefined,
      created: c.createdAt,
      dataConnectionErrors: c.errors,
      connectionInfo: c.connectionInfo ?? undefined,
    };
  }

  private async toCompany(c: CompanyRecord): Promise<Company> {
    const connections = await this.store.listConnections(c.id);
    return {
      id: c.id,
      name: c.name,
      description: c.description ?? undefined,
      redirect: `${this.o.publicUrl}/companies/${c.id}/connections${this.linkQuery(c.id)}`,
      lastSync: c.lastSync ?? undefined,
      created: c.createdAt,
      products: ['commerce'],
      tags: c.tags,
      referenceSubsidiaryCompanies: [],
      dataConnections: connections.map((x) => this.toConnection(x)),
    };
  }

  private paging<T>(results: T[], total: number, page: number, pageSize: number, path: string) {
    const link = (p: number) => ({ href: `${path}?page=${p}&pageSize=${pageSize}` });
    return {
      results,
      pageNumber: page,
      pageSize,
      totalResults: total,
      _links: {
        self: { href: path },
        current: link(page),
        ...(page * pageSize < total ? { next: link(page + 1) } : {}),
        ...(page > 1 ? { previous: link(page - 1) } : {}),
      },
    };
  }

  // Companies

  async createCompany(body: unknown): Promise<Company> {
    const input = parseOrThrow(CreateCompanySchema, body, 'company');
    const now = this.o.now().toISOString();
    const company: CompanyRecord = {
      id: randomUUID(),
      name: input.name,
      description: input.description ?? null,
      tags: input.tags ?? {},
      createdAt: now,
      lastSync: null,
      syncedThrough: null,
      config: null,
      configured: false,
      enabled: false,
      ...NO_FAILING_STREAK,
    };
    await this.store.transaction(async (tx) => {
      await tx.insertCompany(company);
      // The partner's own data is the commerce source: pushing through this API is the link.
      await tx.insertConnection({
        id: randomUUID(), companyId: company.id, platformKey: this.o.commerce.key, sourceType: 'Commerce',
        status: 'Linked', createdAt: now, lastSync: null, tokens: null, connectionInfo: null, errors: [],
      });
    });
    return this.toCompany(company);
  }

  async getCompany(companyId: string): Promise<Company> {
    return this.toCompany(await this.requireCompany(companyId));
  }

  async listCompanies(query: ListQuery): Promise<ReturnType<SyncCore['paging']> & { results: Company[] }> {
    let tag: { name: string; value: string } | undefined;
    if (query.query) {
      const m = /^tags\.([^=~]+)=(.*)$/.exec(query.query.trim());
      if (!m) {
        throw new HttpError(400, 'malformed_query', `Unsupported query "${query.query}". Filter companies by tag with query=tags.<name>=<value>.`, [
          { itemId: 'query', message: 'Use tags.<name>=<value>.', validatorName: 'malformed_query' },
        ]);
      }
      tag = { name: m[1] ?? '', value: m[2] ?? '' };
    }
    const { rows, total } = await this.store.listCompanies(query.page, query.pageSize, tag);
    const results = await Promise.all(rows.map((c) => this.toCompany(c)));
    return this.paging(results, total, query.page, query.pageSize, '/companies');
  }

  async deleteCompany(companyId: string): Promise<void> {
    const company = await this.requireCompany(companyId);
    // Revoke the accounting platform's tokens first, so deleting leaves no live access behind.
    const connections = await this.store.listConnections(company.id);
    for (const connection of connections) await this.revokeTokens(connection);
    await this.store.transaction(async (tx) => {
      for (const connection of connections.filter((c) => c.sourceType === 'Accounting')) {
        await this.events.emit({
          id: `connection.deleted:${connection.id}`, type: 'connection.deleted', companyId: company.id,
          data: { connectionId: connection.id, platformKey: connection.platformKey },
        }, tx);
      }
      // Remember how far this merchant's days reached on this ledger, for a set-up again later.
      const keys = postedHistoryKeys(company, connections);
      await tx.deleteCompany(company.id, keys && company.syncedThrough
        ? { ...keys, syncedThrough: company.syncedThrough, recordedAt: this.o.now().toISOString() }
        : undefined);
    });
  }

  // Connections

  async listConnections(companyId: string, query: ListQuery) {
    await this.requireCompany(companyId);
    const all = (await this.store.listConnections(companyId)).map((c) => this.toConnection(c));
    const page = all.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    return this.paging(page, all.length, query.page, query.pageSize, `/companies/${companyId}/connections`);
  }

  async getConnection(companyId: string, connectionId: string): Promise<Connection> {
    return this.toConnection(await this.requireConnection(companyId, connectionId));
  }

  async createConnection(companyId: string, body: unknown): Promise<Connection> {
    await this.requireCompany(companyId);
    const sent = parseOrThrow(CreateConnectionSchema, body, 'connection').platformKey;
    const platformKey = this.platformKeyOf(sent);
    if (platformKey === this.o.commerce.key) {
      const existing = (await this.store.listConnections(companyId)).find((c) => c.sourceType === 'Commerce');
      if (existing) return this.toConnection(existing);
    } else {
      this.connector(sent);
    }
    const connection: ConnectionRecord = {
      id: randomUUID(),
      companyId,
      platformKey,
      sourceType: platformKey === this.o.commerce.key ? 'Commerce' : 'Accounting',
      status: platformKey === this.o.commerce.key ? 'Linked' : 'PendingAuth',
      createdAt: this.o.now().toISOString(),
      lastSync: null,
      tokens: null,
      connectionInfo: null,
      errors: [],
    };
    await this.store.insertConnection(connection);
    return this.toConnection(connection);
  }

  async startAuthorization(companyId: string, connectionId: string, body: unknown): Promise<{ url: string }> {
    const connection = await this.requireConnection(companyId, connectionId);
    const input = parseOrThrow(AuthorizationStartSchema, body, 'authorization request');
    if (connection.sourceType !== 'Accounting') {
      throw new HttpError(400, 'not_authorizable', 'This connection is the commerce source and needs no authorization.');
    }
    const connector = this.connector(connection.platformKey);
    if (input.codeChallenge && !connector.platform.supportsPkce) {
      throw new HttpError(400, 'validation_failed', `${connector.platform.name} does not support PKCE; start authorization without codeChallenge.`, [
        { itemId: 'codeChallenge', message: 'PKCE is not supported by this platform.', validatorName: 'unsupported' },
      ]);
    }
    return { url: connector.authorizationUrl({ state: input.state, redirectUri: input.redirectUri, ...(input.codeChallenge ? { codeChallenge: input.codeChallenge } : {}) }) };
  }

  async completeAuthorization(companyId: string, connectionId: string, body: unknown): Promise<Connection> {
    const connection = await this.requireConnection(companyId, connectionId);
    const input = parseOrThrow(AuthorizationCallbackSchema, body, 'authorization callback');
    if (connection.sourceType !== 'Accounting') throw new HttpError(400, 'not_authorizable', 'This connection is the commerce source and needs no authorization.');
    const connector = this.connector(connection.platformKey);
    const { code = '', redirectUri = '', codeVerifier, ...callbackParams } = input;
    let tokens: ConnectionTokens;
    try {
      tokens = await connector.exchangeCode({ code, redirectUri, ...(codeVerifier ? { codeVerifier } : {}), callbackParams });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new HttpError(400, 'authorization_failed', `${connector.platform.name} did not accept the authorization code (it may have expired or been used already). Start the connection again.`, [
        { itemId: 'code', message: detail.slice(0, 200), validatorName: 'exchange_failed' },
      ]);
    }
    const { info, tokens: current } = await this.linkedCompanyInfo(connector, tokens);
    await this.store.updateConnection(connection.id, {
      status: 'Linked',
      tokens: this.o.box.seal(JSON.stringify(current)),
      errors: connection.errors.map((e) => ({ ...e, status: 'Resolved' as const })),
      ...(info ? { connectionInfo: { companyName: info.name, baseCurrency: info.baseCurrency, tenantId: info.id } } : {}),
    });
    return this.getConnection(companyId, connectionId);
  }

  /**
   * The linked ledger's company, read right after the code exchange (tokens the read rotates are
   * kept). A failed read does not undo the link: the connection works, it only lacks the details.
   */
  private async linkedCompanyInfo(connector: AccountingConnector, tokens: ConnectionTokens): Promise<{ info: CompanyInfo | null; tokens: ConnectionTokens }> {
    let current = tokens;
    try {
      const info = await connector.getCompanyInfo({ tokens, saveTokens: async (next) => { current = next; } });
      return { info, tokens: current };
    } catch (error) {
      console.warn(`Reading the company of a new ${connector.platform.name} connection failed: ${error instanceof Error ? error.message : String(error)}`);
      return { info: null, tokens: current };
    }
  }

  private async revokeTokens(connection: ConnectionRecord): Promise<void> {
    if (!connection.tokens) return;
    const connector = this.o.connectors.get(connection.platformKey);
    if (!connector) return;
    try {
      await connector.revoke(JSON.parse(this.o.box.open(connection.tokens)) as ConnectionTokens);
    } catch (error) {
      // Revocation is best effort (the platform may already have dropped the grant); the
      // tokens are erased locally either way.
      console.warn(`Token revocation for connection ${connection.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async updateConnection(companyId: string, connectionId: string, body: unknown): Promise<Connection> {
    const connection = await this.requireConnection(companyId, connectionId);
    const input = parseOrThrow(UpdateConnectionSchema, body, 'connection update');
    if (input.status === 'Unlinked' || input.status === 'Deauthorized') {
      await this.revokeTokens(connection);
      await this.store.transaction(async (tx) => {
        await tx.updateConnection(connection.id, { status: 'Unlinked', tokens: null });
        if (connection.sourceType === 'Accounting' && connection.status !== 'Unlinked') {
          const at = this.o.now().toISOString();
          await this.events.emit({
            id: `connection.deauthorized:${connection.id}:${at}`, type: 'connection.deauthorized', companyId, createdAt: at,
            data: { connectionId: connection.id, platformKey: connection.platformKey, initiatedBy: 'merchant', errorCode: null, merchantMessage: null },
          }, tx);
        }
      });
    } else if (input.status && input.status !== connection.status) {
      throw new HttpError(400, 'validation_failed', `A connection can only be set to Unlinked here; to link it, complete authorization.`, [
        { itemId: 'status', message: 'Only "Unlinked" can be set.', validatorName: 'invalid_value' },
      ]);
    }
    return this.getConnection(companyId, connectionId);
  }

  async deleteConnection(companyId: string, connectionId: string): Promise<void> {
    const connection = await this.requireConnection(companyId, connectionId);
    await this.revokeTokens(connection);
    await this.store.transaction(async (tx) => {
      await tx.deleteConnection(companyId, connectionId);
      if (connection.sourceType === 'Accounting') {
        await this.events.emit({
          id: `connection.deleted:${connection.id}`, type: 'connection.deleted', companyId,
          data: { connectionId: connection.id, platformKey: connection.platformKey },
        }, tx);
      }
    });
  }

  // Configuration

  private async ledger(companyId: string): Promise<{ snapshot: LedgerSnapshot | null; platformName: string | null; linked: boolean }> {
    const connection = accountingConnection(await this.store.listConnections(companyId));
    if (!connection || connection.status !== 'Linked' || !connection.tokens) return { snapshot: null, platformName: connection ? this.platformName(connection.platformKey) : null, linked: false };
    const connector = this.connector(connection.platformKey);
    try {
      const ctx = await connectorContext(this.store, this.o.box, connector, connection, this.o.now);
      const info = await connector.getCompanyInfo(ctx);
      const snapshot: LedgerSnapshot = {
        companyName: info.name,
        accounts: await connector.listAccounts(ctx),
        taxRates: await connector.listTaxRates(ctx),
        customers: await connector.listCustomers(ctx),
        suppliers: await connector.listSuppliers(ctx),
      };
      return { snapshot, platformName: connector.platform.name, linked: true };
    } catch (error) {
      if (error instanceof ConnectorError) {
        const d = describeFailure({ code: error.code, params: error.params, detail: error.detail }, connector.platform.name);
        throw new HttpError(error.code === 'rate_limited' || error.code === 'platform_outage' ? 503 : 502, error.code, d.errorMessage, undefined, error.code === 'rate_limited' || error.code === 'platform_outage' ? 'Yes' : 'No');
      }
      throw error;
    }
  }

  async getConfiguration(companyId: string): Promise<Configuration> {
    const company = await this.requireCompany(companyId);
    const { snapshot } = await this.ledger(companyId);
    const facts = await commerceFacts(this.store, companyId);
    const saved = company.config ? { ...company.config, enabled: company.enabled, configured: company.configured } : null;
    const view = withOptions(saved, snapshot, facts, companyId);
    if (company.configured) return view;
    // A sync of this merchant on this ledger was deleted: start after what it posted, and say so.
    const keys = postedHistoryKeys(company, await this.store.listConnections(companyId));
    const posted = keys ? await this.store.postedHistory(keys.merchantKey, keys.ledgerKey) : null;
    if (!posted) return view;
    return {
      ...view,
      schedule: {
        ...view.schedule,
        startDate: view.schedule?.startDate ?? posted.syncedThrough,
        previousSync: { lastPostedDay: addDays(posted.syncedThrough, -1), documents: posted.documents },
      },
    };
  }

  /**
   * Saves a configuration. No body (as Codat's current contract defines set-configuration) or
   * `{}` saves the current selections as stored, validated again; it never wipes them.
   */
  async setConfiguration(companyId: string, requestBody: unknown): Promise<Configuration> {
    const company = await this.requireCompany(companyId);
    const empty = requestBody === undefined || (isRecord(requestBody) && Object.keys(requestBody).length === 0);
    const body = empty ? currentSelections(company.config) : requestBody;
    const posted = keepStoredMode(
      normalizeConfiguration(parseOrThrow(ConfigurationSchema, absentNotNull(ConfigurationSchema, body), 'configuration')),
      company.configured ? company.config : null,
    );
    // A save that does not say whether sync is on keeps the stored choice.
    const enabled = saysEnabled(body) ? posted.enabled === true : company.enabled;
    const pausing = saysEnabled(body) && !enabled;
    // Pausing may send only the flag: it then applies to the stored configuration, untouched.
    const input: Configuration = pausing && company.config
      ? { ...company.config, ...Object.fromEntries(Object.entries(posted).filter(([, v]) => v !== undefined)), enabled }
      : { ...posted, enabled };
    const { snapshot, platformName, linked } = await this.ledger(companyId);
    const facts = await commerceFacts(this.store, companyId);
    const filled = withOptions(input, snapshot, facts, companyId);
    const errors: FieldError[] = validateConfiguration(filled, {
      connections: { commerceLinked: true, accountingLinked: linked },
      previous: company.config ? { ...company.config, configured: company.configured } : null,
      platformName: platformName ?? undefined,
    });
    // withOptions fills a default zone for display; saving needs an explicit choice.
    const rawZone = (body as { schedule?: { timeZone?: unknown } } | null)?.schedule?.timeZone ?? (pausing ? company.config?.schedule?.timeZone : undefined);
    if (!rawZone && !errors.some((e) => e.itemId === 'schedule.timeZone')) {
      errors.push({ itemId: 'schedule.timeZone', message: 'Choose the time zone your business days follow.', validatorName: 'time_zone_missing' });
    }
    // A merchant must be able to pause a sync whose settings went stale (an archived account,
    // a deleted tax rate): only switching it on requires valid selections.
    if (errors.length && !pausing) {
      throw new HttpError(400, 'validation_failed', `The configuration was not saved: ${errors.map((e) => e.message).join(' ')}`, errors);
    }
    const configured = errors.length === 0 || company.configured;
    const stored = selectionsOnly({ ...filled, enabled, configured });
    const sections = changedSections(company.config, stored, company.enabled, enabled);
    await this.store.transaction(async (tx) => {
      await tx.updateCompany(companyId, { config: stored, configured, enabled, ...(enabled && !company.enabled ? NO_FAILING_STREAK : {}) });
      if (sections.length) {
        const at = this.o.now().toISOString();
        await this.events.emit({
          id: `configuration.changed:${companyId}:${at}`, type: 'configuration.changed', companyId, createdAt: at,
          data: { changedSections: sections, enabled, configured },
        }, tx);
      }
    });
    return withOptions({ ...stored, enabled, configured }, snapshot, facts, companyId);
  }

  /**
   * The saved configuration with its options filled from the live ledger, as a run aggregates
   * with it ("explain this line" recomputes a day with the same).
   */
  async filledConfiguration(companyId: string): Promise<Configuration> {
    const company = await this.requireCompany(companyId);
    const { snapshot } = await this.ledger(companyId);
    return withOptions(company.config, snapshot, await commerceFacts(this.store, companyId), companyId);
  }

  /**
   * The preview (dry run) of a configuration, saved or not: what it would post for the most
   * recent day with pushed records. Reads the ledger's chart and the store; writes nothing.
   * `{}` or no body previews the saved configuration.
   */
  async preview(companyId: string, requestBody: unknown): Promise<SyncPreview> {
    const company = await this.requireCompany(companyId);
    const empty = requestBody === undefined || requestBody === null || (isRecord(requestBody) && Object.keys(requestBody).length === 0);
    const body = empty ? currentSelections(company.config) : requestBody;
    const posted = keepStoredMode(
      normalizeConfiguration(parseOrThrow(ConfigurationSchema, absentNotNull(ConfigurationSchema, body), 'configuration')),
      company.configured ? company.config : null,
    );
    const { snapshot, platformName, linked } = await this.ledger(companyId);
    const facts = await commerceFacts(this.store, companyId);
    const filled = withOptions(posted, snapshot, facts, companyId);
    const validation = validateConfiguration(filled, {
      connections: { commerceLinked: true, accountingLinked: linked },
      previous: company.config ? { ...company.config, configured: company.configured } : null,
      platformName: platformName ?? undefined,
    });
    return buildPreview({ store: this.store, engine: this.o.engine, company, filled, ledger: snapshot, platformName, validation, now: this.o.now() });
  }

  // Integrations, branding, sync flow, UI

  listIntegrations(query: ListQuery) {
    const integrations: Integration[] = [...this.o.connectors.values()].map((c) => ({
      key: c.platform.key,
      logoUrl: c.platform.logoUrl ?? `${this.o.publicUrl}/config/integrations/${c.platform.key}/logo`,
      name: c.platform.name,
      enabled: true,
      sourceId: stableUuid(`source:${c.platform.key}`),
      sourceType: 'Accounting' as const,
      integrationId: stableUuid(`integration:${c.platform.key}`),
      isOfflineConnector: false,
      isBeta: c.platform.key === 'sandbox',
      dataProvidedBy: 'commerce-sync',
      supportsPkce: c.platform.supportsPkce,
    }));
    const page = integrations.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    return this.paging(page, integrations.length, query.page, query.pageSize, '/config/integrations');
  }

  branding(key: string): Branding {
    const connector = this.connector(key);
    const platformKey = connector.platform.key;
    const logo = connector.platform.logoUrl ?? '';
    const icon = connector.platform.iconUrl ?? logo;
    const image = (src: string, alt: string) => ({ image: { src, alt } });
    return {
      logo: { full: image(logo, `${connector.platform.name} logo`), square: image(icon, `${connector.platform.name} icon`) },
      button: { default: image(icon, `Connect ${connector.platform.name}`), hover: image(icon, `Connect ${connector.platform.name}`) },
      sourceId: stableUuid(`source:${platformKey}`),
    };
  }

  async syncFlowUrl(commerceKey: string, accountingKey: string, merchantIdentifier: string | null, redirectUrl: string | null = null): Promise<{ url: string }> {
    if (!this.isCommerceKey(commerceKey)) {
      throw new HttpError(404, 'not_found', `Unknown commerce platform "${commerceKey}". This service's commerce key is "${this.o.commerce.key}" (or Codat's "${CODAT_PARTNER_COMMERCE_KEY}").`);
    }
    const accounting = this.connector(accountingKey).platform.key;
    // Before any company is created: an off-list redirect refuses the whole start.
    if (redirectUrl !== null) assertAllowedRedirect(redirectUrl, this.o.redirectAllowList ?? []);
    let company: CompanyRecord | null = null;
    if (merchantIdentifier) {
      // The embedded widget's BFF tags companies `merchantId`; the same merchant shares one company.
      for (const name of ['merchantId', 'merchantIdentifier']) {
        const found = await this.store.listCompanies(1, 1, { name, value: merchantIdentifier });
        company = found.rows[0] ?? null;
        if (company) break;
      }
    }
    if (!company) {
      const created = await this.createCompany({
        name: merchantIdentifier ? `Merchant ${merchantIdentifier}`.slice(0, 200) : 'Merchant',
        tags: merchantIdentifier ? { merchantIdentifier, merchantId: merchantIdentifier } : { merchantId: `sync-flow-${randomUUID()}` },
      });
      company = await this.requireCompany(created.id);
    }
    return { url: await this.mintSyncFlowUrl(company, accounting, merchantIdentifier, redirectUrl) };
  }

  private async mintSyncFlowUrl(company: CompanyRecord, accounting: string, merchantIdentifier: string | null, redirectUrl: string | null): Promise<string> {
    const code = randomBytes(24).toString('base64url');
    await this.store.insertSyncFlowCode({
      code,
      companyId: company.id,
      // Codat's keys resolve to ours, so whoever redeems the code sees this service's keys.
      commerceKey: this.o.commerce.key,
      accountingKey: accounting,
      merchantIdentifier,
      expiresAt: new Date(this.o.now().getTime() + SYNC_FLOW_CODE_TTL_MS).toISOString(),
      usedAt: null,
    });
    const base = this.o.syncFlowUrl ?? `${this.o.publicUrl}/sync-flow`;
    const query = new URLSearchParams({ code });
    if (redirectUrl !== null) {
      query.set('redirectUrl', redirectUrl);
      if (this.o.signRedirect) query.set('redirectSignature', this.o.signRedirect(code, redirectUrl));
    }
    return `${base}${base.includes('?') ? '&' : '?'}${query.toString()}`;
  }

  async redeemSyncFlow(code: string): Promise<SyncFlowSession> {
    const row = await this.store.consumeSyncFlowCode(code, this.o.now().toISOString());
    if (!row) throw new HttpError(410, 'code_invalid', 'This sync-flow link has expired or was already used. Open the sync flow again to get a new link.');
    return { companyId: row.companyId, commerceKey: row.commerceKey, accountingKey: row.accountingKey, merchantIdentifier: row.merchantIdentifier };
  }

  /**
   * Redeems a code for the hosted flow: the company and the `merchantId` tag its BFF finds it by
   * (added to a company tagged only `merchantIdentifier` by an earlier version).
   */
  async redeemHostedFlow(code: string): Promise<HostedFlowGrant> {
    const session = await this.redeemSyncFlow(code);
    const company = await this.requireCompany(session.companyId);
    let merchantId = company.tags.merchantId;
    if (!merchantId) {
      merchantId = session.merchantIdentifier ?? `sync-flow-${company.id}`;
      await this.store.updateCompany(company.id, { tags: { ...company.tags, merchantId } });
    }
    const platform = this.o.connectors.get(session.accountingKey)?.platform;
    return { companyId: company.id, merchantId, companyName: company.name, ...(platform ? { platform: { key: platform.key, name: platform.name } } : {}) };
  }

  async uiText(locale: unknown): Promise<LocalizationInfo> {
    const l = parseOrThrow(UiLocaleSchema, locale, 'locale', 'locale') as UiLocale;
    return { ...defaultUiText(l), ...(await this.store.uiTextOverrides(l)) };
  }

  async setUiText(locale: unknown, body: unknown): Promise<LocalizationInfo> {
    const l = parseOrThrow(UiLocaleSchema, locale, 'locale', 'locale') as UiLocale;
    const input = parseOrThrow(LocalizationInfoSchema, body, 'text overrides');
    const known = defaultUiText(l);
    const unknown = Object.keys(input).filter((k) => !(k in known) && !isCodatTextKey(k));
    if (unknown.length) {
      throw new HttpError(400, 'validation_failed', `Unknown text key(s): ${unknown.join(', ')}. GET the texts first to see our keys; Codat's hyphenated keys (e.g. configure-misc-nextButton) are accepted too.`,
        unknown.map((k) => ({ itemId: k, message: 'Unknown text key.', validatorName: 'unknown_key' })));
    }
    const missing = Object.entries(input).filter(([k, v]) => known[k]?.required && !v.text).map(([k]) => k);
    if (missing.length) {
      throw new HttpError(400, 'validation_failed', `These texts are required and cannot be empty: ${missing.join(', ')}.`,
        missing.map((k) => ({ itemId: `${k}.text`, message: 'This text is required.', validatorName: 'required' })));
    }
    await this.store.setUiText(l, input);
    return this.uiText(l);
  }

  async visibleAccounts(key: string): Promise<{ visibleAccounts: string[] | null }> {
    const platformKey = this.connector(key).platform.key;
    return { visibleAccounts: await this.store.visibleAccounts(platformKey) };
  }

  /** `{}` and `{ visibleAccounts: null }` reset to all rows (Codat's semantics); a list shows those rows. */
  async setVisibleAccounts(key: string, body: unknown): Promise<{ visibleAccounts: string[] | null }> {
    const platformKey = this.connector(key).platform.key;
    const input = parseOrThrow(VisibleAccountsSchema, body, 'visible accounts');
    await this.store.setVisibleAccounts(platformKey, input.visibleAccounts ?? null);
    return this.visibleAccounts(platformKey);
  }

  // Push

  /**
   * Stores a push; `accepted` holds the stored records as JSON texts (for the response echo).
   * `texts` are the records' own JSON texts from the request body, when the caller has them.
   */
  /** Stores a push whose records `read` reads (after the data type's push lock is taken; see {@link ingestPush}). */
  async push<T extends PushInput>(companyId: string, dataType: PushDataType, read: () => Promise<T>): Promise<{ dataset: DatasetStatus; accepted: AcceptedRecords; input: T }> {
    const { dataset, accepted, input } = await ingestPush(this.store, companyId, dataType, read, this.o.now());
    return { dataset: this.toDataset(dataset), accepted, input };
  }

  toDataset(d: DatasetRecord): DatasetStatus {
    return {
      id: d.id, companyId: d.companyId, dataType: d.dataType, status: d.status, requested: d.requested, completed: d.completed,
      progress: 100, isCompleted: true, isErrored: d.status !== 'Complete', recordCount: d.recordCount, accepted: d.accepted,
      ignored: d.ignored, deleted: d.deleted, reopenedDays: d.reopened,
    };
  }

  async dataset(companyId: string, datasetId: string): Promise<DatasetStatus> {
    await this.requireCompany(companyId);
    const d = await this.store.getDataset(companyId, datasetId);
    if (!d) throw notFound('dataset', datasetId);
    return this.toDataset(d);
  }

  // Sync requests and status

  toStatus(r: RunRecord): CompanySyncStatus {
    return {
      companyId: r.companyId,
      syncId: r.id,
      syncStatusCode: r.statusCode,
      syncStatus: r.statusText,
      errorMessage: r.errorMessage,
      syncExceptionMessage: r.exceptionMessage,
      syncUtc: r.createdAt,
      dataPushed: r.dataPushed,
      period: r.periodStart && r.periodEnd ? { start: r.periodStart, finish: r.periodEnd } : null,
      errorCode: r.errorCode,
      wizardStep: r.wizardStep,
      errorParams: r.errorParams,
      trigger: r.trigger,
      completedUtc: r.completedAt,
    };
  }

  private async summary(r: RunRecord, timeZone: string): Promise<SyncSummary> {
    const connections = (await this.store.listConnections(r.companyId)).map((c) => this.toConnection(c));
    const range = r.periodStart && r.periodEnd
      ? { start: localDayBounds(r.periodStart, timeZone).start.toISOString(), finish: localDayBounds(r.periodEnd, timeZone).start.toISOString() }
      : { start: r.createdAt, finish: r.createdAt };
    return {
      syncDateRangeUtc: range,
      companyId: r.companyId,
      commerceSyncId: r.id,
      syncStatusCode: r.statusCode,
      syncStatus: r.statusText,
      errorMessage: r.errorMessage,
      syncExceptionMessage: r.exceptionMessage,
      syncUtc: r.createdAt,
      dataConnections: connections,
      dataPushed: r.dataPushed,
    };
  }

  async requestLatest(companyId: string, body: unknown): Promise<SyncSummary> {
    const company = await this.requireCompany(companyId);
    const input = parseOrThrow(SyncToLatestArgsSchema, body ?? {}, 'sync request');
    const run = await this.o.engine.run(companyId, { trigger: 'latest', syncTo: input.syncTo ?? null });
    return this.summary(run, normalizeConfiguration(company.config ?? {}).schedule?.timeZone ?? 'Etc/UTC');
  }

  async requestHistoric(companyId: string, body: unknown): Promise<SyncSummary> {
    const company = await this.requireCompany(companyId);
    const input = parseOrThrow(SyncRangeSchema, body, 'date range');
    const timeZone = normalizeConfiguration(company.config ?? {}).schedule?.timeZone ?? 'Etc/UTC';
    const dateOnly = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? s : localDateOf(s, timeZone));
    const start = dateOnly(input.dateRange.start);
    const finish = dateOnly(input.dateRange.finish);
    const today = localDateOf(this.o.now(), timeZone);
    if (finish >= today) {
      throw new HttpError(400, 'validation_failed', `A historic sync can only cover days that have ended; choose a finish before ${today}.`, [
        { itemId: 'dateRange.finish', message: `Choose a day before ${today}.`, validatorName: 'too_late' },
      ]);
    }
    const run = await this.o.engine.run(companyId, { trigger: 'historic', start, finish });
    return this.summary(run, timeZone);
  }

  async latestStatus(companyId: string): Promise<CompanySyncStatus> {
    await this.requireCompany(companyId);
    const run = await this.store.latestRun(companyId);
    if (!run) throw new HttpError(404, 'not_found', 'This company has not synced yet. Request a sync or wait for the scheduled one.');
    return this.toStatus(run);
  }

  async companyStatus(companyId: string) {
    const status = await this.latestStatus(companyId);
    const connections = (await this.store.listConnections(companyId)).map((c) => this.toConnection(c));
    return { ...status, commerceSyncId: status.syncId, dataConnections: connections };
  }

  async lastSuccessfulStatus(companyId: string): Promise<CompanySyncStatus> {
    await this.requireCompany(companyId);
    const run = await this.store.lastSuccessfulRun(companyId);
    if (!run) throw new HttpError(404, 'not_found', 'This company has no successful sync yet.');
    return this.toStatus(run);
  }

  async statusById(companyId: string, syncId: string): Promise<CompanySyncStatus> {
    await this.requireCompany(companyId);
    const run = await this.store.getRun(companyId, syncId);
    if (!run) throw notFound('sync', syncId);
    return this.toStatus(run);
  }

  async listStatuses(companyId: string): Promise<CompanySyncStatus[]> {
    await this.requireCompany(companyId);
    return (await this.store.listRuns(companyId)).map((r) => this.toStatus(r));
  }

  async pushItems(companyId: string, syncId: string): Promise<{ results: PushItem[] }> {
    await this.statusById(companyId, syncId);
    const items = await this.store.itemsForRun(companyId, syncId);
    return {
      results: items.map((i) => ({
        syncId: i.runId, reference: i.reference, date: i.day, kind: i.kind, revision: i.revision, status: i.status,
        platformId: i.platformId, errorCode: i.errorCode, errorMessage: i.errorMessage, attempts: i.attempts, updatedUtc: i.updatedAt,
      })),
    };
  }

  async retry(companyId: string, syncId: string): Promise<CompanySyncStatus> {
    await this.statusById(companyId, syncId);
    try {
      return this.toStatus(await this.o.engine.retry(companyId, syncId));
    } catch (error) {
      if (error instanceof RunAbort) throw new HttpError(409, 'sync_in_progress', 'A sync of this company is running. Retry when it has finished.', undefined, 'Yes');
      throw error;
    }
  }
}

/**
 * Who and where a company posted to, for the posted history kept after a delete: the merchant
 * (the BFF's `merchantId` tag, or the sync flow's `merchantIdentifier`) and the ledger (platform
 * and the tenant the connection linked). Null when either is unknown.
 */
function postedHistoryKeys(company: CompanyRecord, connections: readonly ConnectionRecord[]): { merchantKey: string; ledgerKey: string } | null {
  const merchantKey = company.tags['merchantId'] ?? company.tags['merchantIdentifier'];
  const ledger = connections.find((c) => c.sourceType === 'Accounting' && typeof c.connectionInfo?.['tenantId'] === 'string');
  if (!merchantKey || !ledger) return null;
  return { merchantKey, ledgerKey: `${ledger.platformKey}:${String(ledger.connectionInfo!['tenantId'])}` };
}
