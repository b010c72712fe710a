'use client';
import * as Dialog from '@radix-ui/react-dialog';
import type { ReactElement } from 'react';
import { useEffect, useId, useRef, useState } from 'react';
import type { AuthorizationResult } from '../../contract/bff.js';
import { useConnection, useSyncStatus } from '../api/hooks.js';
import { Authorization } from '../authorization/authorization.js';
import { readAuthorizationReturn, stripAuthorizationReturn } from '../authorization/use-authorization.js';
import { Button } from '../components/button.js';
import { trapTabKey } from '../components/focus-trap.js';
import { ErrorState, Loading } from '../components/status-views.js';
import { ConfigurationWizard } from '../configuration-wizard/configuration-wizard.js';
import type { ConfigurationStep } from '../configuration-wizard/model.js';
import { PlatformPicker } from '../platform-picker/platform-picker.js';
import { useCommerceSyncContext } from '../provider/provider.js';
import { SyncSettings } from '../sync-settings/sync-settings.js';

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

function Journey({ returnUrl, navigate, now }: CommerceSyncProps) {
  const connection = useConnection();
  const linked = connection.data?.status === 'Linked';
  const status = useSyncStatus({ enabled: linked });
  const [override, setOverride] = useState<Override | null>(null);
  const [returnChecked, setReturnChecked] = useState(false);
  const containerRef = useRef<HTMLDivElement>(null);
  const lastView = useRef<JourneyView | null>(null);

  // Read the redirect result after mount: no window access during SSR or import.
  useEffect(() => {
    const url = returnUrl ?? window.location.href;
    const result = readAuthorizationReturn(url);
    if (result) {
      setOverride({ view: 'authorize', initialResult: result });
      if (returnUrl === undefined) {
        try {
          window.history.replaceState(window.history.state, '', stripAuthorizationReturn(url));
        } catch {
          // Sandboxed frames may refuse; the parameter then stays visible, which is harmless.
        }
      }
    }
    setReturnChecked(true);
  }, [returnUrl]);

  if (connection.isPending || !returnChecked || (linked && status.isPending && override === null)) return <Loading />;
  if (connection.error) return <ErrorState report error={connection.error} onRetry={() => void connection.refetch()} />;
  if (linked && status.error && override === null) return <ErrorState report error={status.error} onRetry={() => void status.refetch()} />;

  const dataView: JourneyView = !linked ? 'picker' : status.data?.configured ? 'settings' : 'wizard';
  const view = override?.view ?? dataView;
  const clear = () => setOverride(null);
  const conn = connection.data;
  return (
    <div ref={containerRef} data-part="journey" data-state={view}>
      <ViewFocus view={view} lastView={lastView} containerRef={containerRef} />
      {renderView()}
    </div>
  );

  function renderView() {

  if (view === 'authorize') {
    const platform = override?.platform ?? conn.platform ?? { key: '', name: '' };
    return (
      <Authorization
        key={platform.key}
        platform={platform}
        returnTo={undefined}
        navigate={navigate}
        initialResult={override?.initialResult ?? null}
        onConnected={clear}
        onBack={() => setOverride({ view: 'picker' })}
      />
    );
  }
  if (view === 'picker') {
    return <PlatformPicker value={override?.platform?.key ?? null} onValueChange={(key, platform) => setOverride({ view: 'authorize', platform: { key, name: platform.name } })} />;
  }
  if (view === 'wizard') {
    return (
      <ConfigurationWizard
        defaultStep={override?.step ?? 'output'}
        platformName={conn.platform?.name}
        onSaved={() => setOverride({ view: 'settings' })}
        onCancel={status.data?.configured ? () => setOverride({ view: 'settings' }) : undefined}
      />
    );
  }
  return (
    <SyncSettings
      now={now}
      onEditMapping={(step) => setOverride({ view: 'wizard', step })}
      onReconnect={() => setOverride({ view: 'authorize', platform: conn.platform ?? undefined })}
      onDeauthorized={clear}
      onDeleted={clear}
    />
  );
  }
}

/** Moves focus to the new part's heading when the journey changes part, so keyboard users are not dropped on the body. */
function ViewFocus({ view, lastView, containerRef }: { view: JourneyView; lastView: { current: JourneyView | null }; containerRef: { current: HTMLDivElement | null } }) {
  useEffect(() => {
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
  }, [view, lastView, containerRef]);
  return null;
}
