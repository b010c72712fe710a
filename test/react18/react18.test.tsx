import { render, screen } from '@testing-library/react';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

/** Only run by `npm run test:react18` (test/react18/vitest.config.ts); no root project includes it. */
describe('the React 18 run', () => {
  it('renders through React 18 and its react-dom', () => {
    console.info(`test:react18 renders with react ${React.version}, react-dom ${ReactDOM.version}`);
    expect(React.version).toMatch(/^18\./);
    expect(ReactDOM.version).toMatch(/^18\./);
    // APIs that React 19 added are absent, so no React 19 module stands in for these imports.
    expect('use' in React).toBe(false);
    expect('preload' in ReactDOM).toBe(false);

    function Probe() {
      const [count] = React.useState(1);
      return <p>rendered {count}</p>;
    }
    render(<Probe />);
    expect(screen.getByText('rendered 1')).toBeInTheDocument();
    expect(renderToString(<Probe />)).toContain('rendered');
  });
});
