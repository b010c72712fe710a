import type { ReactNode } from 'react';

/** A status message: `role="alert"` for errors so screen readers announce them, `status` otherwise. */
export function Notice({ tone, title, children }: { tone: 'info' | 'success' | 'error'; title: string; children?: ReactNode }) {
  return (
    <div className="hb-notice" data-tone={tone} role={tone === 'error' ? 'alert' : 'status'}>
      <strong className="hb-notice-title">{title}</strong>
      {children ? <div className="hb-notice-body">{children}</div> : null}
    </div>
  );
}
