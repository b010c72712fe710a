// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

describe('server rendering', () => {
  it('imports and renders without a window', async () => {
    expect(typeof window).toBe('undefined');
    const { CommerceSync, CommerceSyncProvider } = await import('../../src/widget/index.js');
    const html = renderToString(
      <CommerceSyncProvider sessionToken="t" appearance={{ colorScheme: 'dark' }}>
        <CommerceSync />
      </CommerceSyncProvider>,
    );
    expect(html).toContain('data-cs-root');
    expect(html).toContain('data-theme="dark"');
    expect(html).toContain('Loading');
    // Custom properties are applied through CSSOM after mount, so strict CSP needs no inline style.
    expect(html).not.toContain('style=');
  });
});
