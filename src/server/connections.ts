import type { AccountingConnector, ConnectionTokens, ConnectorContext } from '../platforms/connector.js';
import type { SecretBox } from './crypto.js';
import type { ConnectionRecord, Store } from './store/index.js';

/** The accounting connection of a company (the non-commerce one), newest first. */
export function accountingConnection(connections: readonly ConnectionRecord[]): ConnectionRecord | null {
  const accounting = connections.filter((c) => c.sourceType === 'Accounting');
  return accounting.find((c) => c.status === 'Linked') ?? accounting[accounting.length - 1] ?? null;
}

/**
 * A connector context over a stored connection: decrypts its tokens, persists rotated ones
 * encrypted, and refreshes them first when they expire within a minute.
 */
export async function connectorContext(
  store: Store,
  box: SecretBox,
  connector: AccountingConnector,
  connection: ConnectionRecord,
  now: Date,
): Promise<ConnectorContext> {
  if (!connection.tokens) throw new Error(`Connection ${connection.id} has no tokens`);
  let tokens = JSON.parse(box.open(connection.tokens)) as ConnectionTokens;
  const save = async (next: ConnectionTokens) => {
    tokens = next;
    ctx.tokens = next;
    await store.updateConnection(connection.id, { tokens: box.seal(JSON.stringify(next)) });
  };
  const ctx: ConnectorContext = { tokens, saveTokens: save };
  if (tokens.expiresAt && tokens.expiresAt < now.getTime() + 60_000 && tokens.refreshToken) {
    await save(await connector.refresh(tokens));
  }
  return ctx;
}
