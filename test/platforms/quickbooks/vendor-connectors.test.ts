import { vendorConnectorsFromEnv } from '../../../src/platforms/http/vendor-connectors.js';

describe('vendorConnectorsFromEnv', () => {
  it('offers only the platforms whose credentials are configured', () => {
    expect(vendorConnectorsFromEnv({})).toEqual([]);
    expect(
      vendorConnectorsFromEnv({ XERO_CLIENT_ID: 'x', XERO_CLIENT_SECRET: 'y' }).map(
        (c) => c.platform.key,
      ),
    ).toEqual(['xero']);
    const both = vendorConnectorsFromEnv({
      XERO_CLIENT_ID: 'x',
      XERO_CLIENT_SECRET: 'y',
      QUICKBOOKS_CLIENT_ID: 'q',
      QUICKBOOKS_CLIENT_SECRET: 'r',
      QUICKBOOKS_ENVIRONMENT: 'sandbox',
    });
    expect(
      both.map((c) => [c.platform.key, c.rateLimits.requestsPerMinute, c.rateLimits.maxConcurrent]),
    ).toEqual([
      ['xero', 60, 5],
      ['quickbooks-online', 500, 10],
    ]);
  });

  it('passes a Xero scope override through to the consent URL', () => {
    const [xero] = vendorConnectorsFromEnv({
      XERO_CLIENT_ID: 'x',
      XERO_CLIENT_SECRET: 'y',
      XERO_SCOPES: 'openid offline_access accounting.transactions',
    });
    const url = new URL(
      xero!.authorizationUrl({ state: 's', redirectUri: 'https://partner.example/cb' }),
    );
    expect(url.searchParams.get('scope')).toBe('openid offline_access accounting.transactions');
  });

  it('fails at boot on half-configured credentials or an unknown QuickBooks environment', () => {
    expect(() => vendorConnectorsFromEnv({ XERO_CLIENT_ID: 'x' })).toThrow(/XERO_CLIENT_SECRET/);
    expect(() =>
      vendorConnectorsFromEnv({
        QUICKBOOKS_CLIENT_ID: 'q',
        QUICKBOOKS_CLIENT_SECRET: 'r',
        QUICKBOOKS_ENVIRONMENT: 'prod',
      }),
    ).toThrow(/production.*sandbox/);
  });
});
