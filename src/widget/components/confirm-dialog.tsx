'use client';
import * as Dialog from '@radix-ui/react-dialog';
import type { ReactElement } from 'react';
import { useRef, useState } from 'react';
import { useCommerceSyncContext } from '../provider/provider.js';
import { Button } from './button.js';
import { trapTabKey } from './focus-trap.js';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  /** The button that opens the dialog; focus returns to it after close. */
  trigger: ReactElement;
  title: string;
  description: string;
  confirmLabel: string;
  pendingLabel?: string;
  cancelLabel?: string;
  /** Runs on confirm; the dialog stays open in its busy state (`data-pending`) while `pending`. */
  onConfirm: () => void;
  pending?: boolean;
  open?: boolean;
  defaultOpen?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** When it returns true at the moment the trigger is pressed, `onConfirm` runs without asking. */
  skipWhen?: () => boolean;
  /** Danger styling for destructive actions. */
  destructive?: boolean;
}

/**
 * A confirmation for destructive actions: Radix Dialog content with `role="alertdialog"`, title,
 * description, focus on Cancel first, busy state with `data-pending`, portalled into the widget
 * root, and focus back on the trigger after closing.
 *
 * @example
 * <ConfirmDialog trigger={<Button variant="danger">Delete</Button>} title="Delete?" description="…"
 *   confirmLabel="Delete" onConfirm={() => remove.mutate()} pending={remove.isPending} destructive />
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { trigger, title, description, confirmLabel, pendingLabel, cancelLabel, onConfirm, pending = false, open, defaultOpen, onOpenChange, skipWhen, destructive = false } = props;
  const { t, portalContainer } = useCommerceSyncContext('ConfirmDialog');
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [innerOpen, setInnerOpen] = useState(defaultOpen ?? false);
  const isOpen = open ?? innerOpen;
  const setOpen = (next: boolean) => {
    // A pending action cannot be walked away from: its result must be shown.
    if (pending && !next) return;
    if (next && skipWhen?.()) {
      onConfirm();
      return;
    }
    if (open === undefined) setInnerOpen(next);
    onOpenChange?.(next);
  };
  return (
    <Dialog.Root modal={false} open={isOpen} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>{trigger}</Dialog.Trigger>
      <Dialog.Portal container={portalContainer}>
        <div data-part="overlay" aria-hidden="true" />
        <Dialog.Content
          role="alertdialog"
          aria-modal="true"
          data-part="dialog"
          data-variant={destructive ? 'danger' : 'default'}
          data-pending={pending ? '' : undefined}
          aria-busy={pending || undefined}
          onOpenAutoFocus={(event) => {
            event.preventDefault();
            cancelRef.current?.focus();
          }}
          onInteractOutside={(event) => event.preventDefault()}
          onEscapeKeyDown={(event) => {
            if (pending) event.preventDefault();
          }}
          onKeyDown={trapTabKey}
        >
          <Dialog.Title data-part="dialog-title">{title}</Dialog.Title>
          <Dialog.Description data-part="dialog-description">{description}</Dialog.Description>
          <div data-part="dialog-actions">
            <Dialog.Close asChild>
              <Button ref={cancelRef} variant="secondary" disabled={pending}>
                {cancelLabel ?? t('common.cancel')}
              </Button>
            </Dialog.Close>
            <Button variant={destructive ? 'danger' : 'primary'} pending={pending} onClick={onConfirm}>
              {pending ? (pendingLabel ?? confirmLabel) : confirmLabel}
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
