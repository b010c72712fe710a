import { randomUUID } from 'node:crypto';
import { ConnectorError } from '../platforms/connector.js';
import type { AccountingConnector, ConnectionTokens, ConnectorContext } from '../platforms/connector.js';
import type { SecretBox } from './crypto.js';
import type { ConnectionRecord, Store } from './store/index.js';

/** The accounting connection of a company (the non-commerce one), newest first. */
export function accountingConnection(connections: readonly ConnectionRecord[]): ConnectionRecord | null {
  const accounting = connections.filter((c) => c.sourceType === 'Accounting');
  return accounting.find((c) => c.status === 'Linked') ?? accounting[accounting.length - 1] ?? null;
}

/** Tokens expiring within this margin are refreshed before use. */
const REFRESH_MARGIN_MS = 60_000;
/**
 * How long the refresh lease of a connection lasts: longer than the slowest refresh (three
 * token-endpoint attempts of 30 s each), so a live refresher never loses it. A crashed
 * refresher's lease does not wait for this (see `Db.tryLease`).
 */
const REFRESH_LEASE_MS = 120_000;
/** How long a caller waits for another instance's refresh before giving up (retryable). */
const REFRESH_WAIT_MS = 100_000;
/** Pause between looks at the store while another instance refreshes. */
const REFRESH_POLL_MS = 25;
/** After a refused refresh: how long to watch for tokens another instance is about to store. */
const REFUSED_GRACE_MS = 2_000;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A connector context over a stored connection: decrypts its tokens, persists rotated ones
 * encrypted, and refreshes them first when they expire within a minute.
 *
 * Refreshes are single-flight across every instance sharing the store (vendors rotate refresh
 * tokens, so two instances refreshing with the same one would have the second refused): the
 * refresher holds a lease on `tokens:<connection id>` (a PostgreSQL advisory lock or an SQLite
 * lease row), re-reads the stored tokens under it and adopts them when another instance has
 * already rotated, else refreshes and stores. Callers that find the lease taken wait for the
 * stored tokens to change. A refused refresh (`authorization_expired`) is retried once with
 * tokens another writer stored meanwhile, so a rotation elsewhere never reads as an expired
 * connection.
 */
export async function connectorContext(
  store: Store,
  box: SecretBox,
  connector: AccountingConnector,
  connection: ConnectionRecord,
  now: () => Date,
): Promise<ConnectorContext> {
  if (!connection.tokens) throw new Error(`Connection ${connection.id} has no tokens`);
  const open = (sealed: string) => JSON.parse(box.open(sealed)) as ConnectionTokens;
  const fresh = (t: ConnectionTokens) => t.expiresAt == null || t.expiresAt - REFRESH_MARGIN_MS > now().getTime();
  const platform = connector.platform.name;

  let tokens = open(connection.tokens);
  const adopt = (next: ConnectionTokens) => {
    tokens = next;
    ctx.tokens = next;
    return next;
  };
  const save = async (next: ConnectionTokens) => {
    adopt(next);
    await store.updateConnection(connection.id, { tokens: box.seal(JSON.stringify(next)) });
  };
  /** The tokens stored now (another instance may have rotated them). */
  const stored = async (): Promise<ConnectionTokens> => {
    const row = await store.getConnection(connection.companyId, connection.id);
    if (!row?.tokens) {
      throw new ConnectorError('authorization_revoked', `Connection ${connection.id} no longer holds tokens`, { platform });
    }
    return open(row.tokens);
  };
  /** Stored tokens that replace `used`, when another caller has rotated them and they are usable. */
  const replacement = async (used: ConnectionTokens): Promise<ConnectionTokens | null> => {
    const current = await stored();
    return current.accessToken !== used.accessToken && fresh(current) ? current : null;
  };

  /** Adopts tokens another caller stored in place of `used`, or refreshes once under the connection's lease. */
  const leasedRefresh = async (
    used: ConnectionTokens,
    refresh: (current: ConnectionTokens) => Promise<ConnectionTokens>,
    onAttempt: (refreshToken: string | null | undefined) => void,
  ): Promise<ConnectionTokens> => {
    const owner = `tokens:${randomUUID()}`;
    const deadline = performance.now() + REFRESH_WAIT_MS;
    for (;;) {
      const lease = await store.tryLease(`tokens:${connection.id}`, owner, REFRESH_LEASE_MS, now());
      if (lease) {
        try {
          const winner = await replacement(used);
          if (winner) return winner;
          const current = await stored();
          onAttempt(current.refreshToken);
          const next = await refresh(current);
          await store.updateConnection(connection.id, { tokens: box.seal(JSON.stringify(next)) });
          return next;
        } finally {
          await lease.release().catch(() => undefined);
        }
      }
      // Another caller is refreshing: take its tokens as soon as they are stored.
      const winner = await replacement(used);
      if (winner) return winner;
      if (performance.now() > deadline) {
        throw new ConnectorError('platform_outage', `Timed out waiting for another instance to refresh the ${platform} tokens`, { platform });
      }
      await pause(REFRESH_POLL_MS);
    }
  };

  const refreshTokens = async (
    used: ConnectionTokens,
    refresh: (current: ConnectionTokens) => Promise<ConnectionTokens>,
  ): Promise<ConnectionTokens> => {
    let tried: string | null | undefined;
    try {
      return adopt(await leasedRefresh(used, refresh, (t) => (tried = t)));
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.code !== 'authorization_expired') throw error;
      // Refused: if a writer outside the lease (an older instance, say) rotated the tokens just
      // before, they are in the store (or about to be). Retry once with them.
      const deadline = performance.now() + REFUSED_GRACE_MS;
      for (;;) {
        const current = await stored();
        if (current.refreshToken !== tried) return adopt(await leasedRefresh(used, refresh, () => undefined));
        if (performance.now() > deadline) throw error;
        await pause(REFRESH_POLL_MS * 4);
      }
    }
  };

  const ctx: ConnectorContext = { tokens, saveTokens: save, refreshTokens };
  if (tokens.expiresAt && tokens.expiresAt < now().getTime() + REFRESH_MARGIN_MS && tokens.refreshToken) {
    await refreshTokens(tokens, (t) => connector.refresh(t));
  }
  return ctx;
}
