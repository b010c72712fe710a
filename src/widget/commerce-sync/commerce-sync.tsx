'use client';
import * as Dialog from '@radix-ui/react-dialog';
import type { ReactElement, RefObject } from 'react';
import { useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { AuthorizationResult } from '../../contract/bff.js';
import { useConnection, useSyncStatus } from '../api/hooks.js';
import { Authorization } from '../authorization/authorization.js';
import { readAuthorizationReturn, stripAuthorizationReturn } from '../authorization/use-authorization.js';
import { Button } from '../components/button.js';
import { trapTabKey } from '../components/focus-trap.js';
import { ErrorState, Loading } from '../components/status-views.js';
import { ConfigurationWizard } from '../configuration-wizard/lazy.js';
import type { ConfigurationStep } from '../configuration-wizard/steps.js';
import { PlatformPicker } from '../platform-picker/platform-picker.js';
import { useCommerceSyncContext } from '../provider/provider.js';
import { SyncSettings } from '../sync-settings/lazy.js';

/** The parts of the journey. */
export type JourneyView = 'picker' | 'authorize' | 'wizard' | 'settings';

/** Props of {@link CommerceSync}. */
export interface CommerceSyncProps {
  /** Render in place (default) or in a dialog opened by `trigger`. */
  mode?: 'inline' | 'dialog';
  /** Dialog mode: open state (controlled). */
  open?: boolean;
  defaultOpen?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** Dialog mode: the button that opens it (default: a "Set up accounting sync" button). */
  trigger?: ReactElement;
  /**
   * The URL the page was loaded with after a full-page authorization redirect (it carries
   * `?commerceSync=connected|denied|error`). Default: `window.location.href`, read after mount;
   * the parameters are then removed from the address bar.
   */
  returnUrl?: string;
  /** Full-page navigation for the redirect fallback. Default `window.location.assign`. */
  navigate?: (url: string) => void;
  /** Clock for "next sync" (tests, stories). */
  now?: () => Date;
  /**
   * Start at this platform's authorization while nothing is connected (the picker is skipped;
   * "Choose other software" still leads to it).
   */
  platform?: { key: string; name: string };
}

interface Override {
  view: JourneyView;
  platform?: { key: string; name: string };
  step?: ConfigurationStep;
  initialResult?: AuthorizationResult | null;
}

/**
 * The whole journey in one component: choose a platform, authorise it, configure the mapping,
 * then manage the sync; resumes after a full-page authorization redirect.
 *
 * @example
 * <CommerceSyncProvider sessionToken={token}>
 *   <CommerceSync mode="dialog" />
 * </CommerceSyncProvider>
 */
export function CommerceSync(props: CommerceSyncProps) {
  const { mode = 'inline', open, defaultOpen = false, onOpenChange, trigger } = props;
  const { t, emit, portalContainer } = useCommerceSyncContext('CommerceSync');
  const titleId = `cs-dialog${useId().replace(/:/g, '')}`;
  const [innerOpen, setInnerOpen] = useState(defaultOpen);
  if (mode === 'inline') return <Journey {...props} />;
  const isOpen = open ?? innerOpen;
  return (
    <Dialog.Root
      modal={false}
      open={isOpen}
      onOpenChange={(next) => {
        if (open === undefined) setInnerOpen(next);
        emit(next ? 'widget_opened' : 'widget_closed');
        onOpenChange?.(next);
      }}
    >
      <Dialog.Trigger asChild>{trigger ?? <Button variant="primary">{t('widget.open')}</Button>}</Dialog.Trigger>
      <Dialog.Portal container={portalContainer}>
        <div data-part="overlay" aria-hidden="true" />
        <Dialog.Content data-part="dialog" data-size="large" aria-modal="true" aria-labelledby={titleId} aria-describedby={undefined} onKeyDown={trapTabKey} onInteractOutside={(event) => event.preventDefault()}>
          <div data-part="dialog-header">
            <Dialog.Title data-part="dialog-title" id={titleId}>
              {t('widget.title')}
            </Dialog.Title>
            <Dialog.Close asChild>
              <Button variant="link">{t('common.close')}</Button>
            </Dialog.Close>
          </div>
          <Journey {...props} />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

const noSubscribe = () => () => undefined;

function Journey({ returnUrl, navigate, now, platform: preselected }: CommerceSyncProps) {
  const connection = useConnection();
  const linked = connection.data?.status === 'Linked';
  const status = useSyncStatus({ enabled: linked });
  const [override, setOverride] = useState<Override | null>(null);
  const [returnConsumed, setReturnConsumed] = useState(false);
  const containerRef = useRef<HTMLDivElement>(null);

  // The page URL is read from the browser only (null on the server and while hydrating).
  const pageUrl = useSyncExternalStore(
    noSubscribe,
    () => returnUrl ?? window.location.href,
    () => returnUrl ?? null,
  );
  const returnResult = useMemo(() => (pageUrl && !returnConsumed ? readAuthorizationReturn(pageUrl) : null), [pageUrl, returnConsumed]);

  const go = (next: Override | null) => {
    if (returnResult) {
      setReturnConsumed(true);
      // The outcome is shown once; a reload must not show it again.
      if (returnUrl === undefined) {
        try {
          window.history.replaceState(window.history.state, '', stripAuthorizationReturn(window.location.href));
        } catch {
          // Sandboxed frames may refuse; the parameter then stays visible, which is harmless.
        }
      }
    }
    setOverride(next);
  };

  const loading = connection.isPending || (linked && status.isPending && override === null && !returnResult);
  const dataView: JourneyView = !linked ? 'picker' : status.data?.configured ? 'settings' : 'wizard';
  const current: Override | null =
    override ?? (returnResult ? { view: 'authorize', initialResult: returnResult } : dataView === 'picker' && preselected ? { view: 'authorize', platform: preselected } : null);
  const view: JourneyView | null = loading || connection.error ? null : (current?.view ?? dataView);

  return (
    <div ref={containerRef} data-part="journey" data-state={view ?? 'loading'}>
      <ViewFocus view={view} containerRef={containerRef} />
      {renderView()}
    </div>
  );

  function renderView() {
    if (connection.isPending) return <Loading />;
    if (connection.error) return <ErrorState report error={connection.error} onRetry={() => void connection.refetch()} />;
    if (loading) return <Loading />;
    if (linked && status.error && current === null) return <ErrorState report error={status.error} onRetry={() => void status.refetch()} />;
    const conn = connection.data;
    if (view === 'authorize') {
      const platform = current?.platform ?? conn.platform ?? { key: '', name: '' };
      return (
        <Authorization
          key={platform.key}
          platform={platform}
          navigate={navigate}
          initialResult={current?.initialResult ?? null}
          onConnected={() => go(null)}
          onBack={() => go({ view: 'picker' })}
        />
      );
    }
    if (view === 'picker') {
      return <PlatformPicker value={current?.platform?.key ?? null} onValueChange={(key, platform) => go({ view: 'authorize', platform: { key, name: platform.name } })} />;
    }
    if (view === 'wizard') {
      return (
        <ConfigurationWizard
          defaultStep={current?.step ?? 'output'}
          platformName={conn.platform?.name}
          {...(conn.platform?.key ? { platformKey: conn.platform.key } : {})}
          onSaved={() => go({ view: 'settings' })}
          onCancel={status.data?.configured ? () => go({ view: 'settings' }) : undefined}
        />
      );
    }
    return (
      <SyncSettings
        now={now}
        onEditMapping={(step) => go({ view: 'wizard', step })}
        onReconnect={() => go({ view: 'authorize', platform: conn.platform ?? undefined })}
        onDeauthorized={() => go(null)}
        onDeleted={() => go(null)}
      />
    );
  }
}

/** Moves focus to the new part's heading when the journey changes part, so keyboard users are not dropped on the body. */
function ViewFocus({ view, containerRef }: { view: JourneyView | null; containerRef: RefObject<HTMLDivElement | null> }) {
  const lastView = useRef<JourneyView | null>(null);
  useEffect(() => {
    if (view === null) return;
    if (lastView.current === null) lastView.current = view;
    if (lastView.current === view) return;
    // The new part may still be loading: focus its heading once it renders. The view counts as
    // reached only once focused, so a StrictMode re-run of this effect tries again.
    const container = containerRef.current;
    if (!container) return;
    const focusHeading = () => {
      const heading = container.querySelector<HTMLElement>('h2');
      if (!heading) return false;
      heading.tabIndex = -1;
      heading.focus();
      lastView.current = view;
      return true;
    };
    if (focusHeading()) return;
    const observer = new MutationObserver(() => {
      if (focusHeading()) observer.disconnect();
    });
    observer.observe(container, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [view, containerRef]);
  return null;
}
