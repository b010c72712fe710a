import type { AccountingConnector } from '../connector.js';
import { createQuickBooksConnector } from '../quickbooks/index.js';
import { createXeroConnector } from '../xero/index.js';
import type { VendorRuntimeOptions } from './runtime.js';

/** Environment variables the vendor connectors read (secrets come from the environment only). */
export interface VendorConnectorEnv {
  XERO_CLIENT_ID?: string;
  XERO_CLIENT_SECRET?: string;
  /** Space-separated scope override, e.g. the legacy `accounting.transactions` set. */
  XERO_SCOPES?: string;
  QUICKBOOKS_CLIENT_ID?: string;
  QUICKBOOKS_CLIENT_SECRET?: string;
  /** `production` (default) or `sandbox` (Intuit development keys and sandbox companies). */
  QUICKBOOKS_ENVIRONMENT?: string;
  [name: string]: string | undefined;
}

/**
 * The vendor connectors whose credentials are configured, for the platform picker: Xero when
 * `XERO_CLIENT_ID` and `XERO_CLIENT_SECRET` are set, QuickBooks Online when
 * `QUICKBOOKS_CLIENT_ID` and `QUICKBOOKS_CLIENT_SECRET` are set. Throws when only half of a
 * pair is set or `QUICKBOOKS_ENVIRONMENT` is not `sandbox`/`production`, so a typo fails at boot.
 *
 * @example
 * const connectors = [sandbox.connector, ...vendorConnectorsFromEnv(process.env)];
 */
export function vendorConnectorsFromEnv(
  env: VendorConnectorEnv,
  runtime: VendorRuntimeOptions = {},
): AccountingConnector[] {
  const connectors: AccountingConnector[] = [];
  const pair = (idName: string, secretName: string): [string, string] | null => {
    const id = env[idName]?.trim();
    const secret = env[secretName]?.trim();
    if (!id && !secret) return null;
    if (!id || !secret)
      throw new Error(`Set both ${idName} and ${secretName} (only one of them is set).`);
    return [id, secret];
  };
  const xero = pair('XERO_CLIENT_ID', 'XERO_CLIENT_SECRET');
  if (xero) {
    const scopes = env.XERO_SCOPES?.trim() ? env.XERO_SCOPES.trim().split(/\s+/) : undefined;
    connectors.push(
      createXeroConnector({
        ...runtime,
        clientId: xero[0],
        clientSecret: xero[1],
        ...(scopes ? { scopes } : {}),
      }),
    );
  }
  const quickBooks = pair('QUICKBOOKS_CLIENT_ID', 'QUICKBOOKS_CLIENT_SECRET');
  if (quickBooks) {
    const environment = env.QUICKBOOKS_ENVIRONMENT?.trim() || 'production';
    if (environment !== 'production' && environment !== 'sandbox') {
      throw new Error(
        `QUICKBOOKS_ENVIRONMENT must be "production" or "sandbox", not "${environment}".`,
      );
    }
    connectors.push(
      createQuickBooksConnector({
        ...runtime,
        clientId: quickBooks[0],
        clientSecret: quickBooks[1],
        environment,
      }),
    );
  }
  return connectors;
}
