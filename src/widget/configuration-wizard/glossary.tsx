'use client';
import * as Dialog from '@radix-ui/react-dialog';
import { Button } from '../components/button.js';
import { trapTabKey } from '../components/focus-trap.js';
import type { MessageKey } from '../i18n/index.js';
import { useCommerceSyncContext } from '../provider/provider.js';

/** The accounting words the wizard uses, explained for a shop owner. */
export const GLOSSARY_TERMS = ['clearing', 'liability', 'gratuity', 'payout', 'journal'] as const;

/**
 * "What do these words mean?": a short glossary in a Radix dialog, reachable from every step of
 * the wizard. Focus moves to the dialog's title, Tab stays inside, Escape or Close returns focus to
 * the button that opened it.
 *
 * @example
 * <Glossary />
 */
export function Glossary() {
  const { t, portalContainer } = useCommerceSyncContext('Glossary');
  return (
    <Dialog.Root modal={false}>
      <Dialog.Trigger asChild>
        <Button variant="link" data-glossary="">{t('wizard.glossary.open')}</Button>
      </Dialog.Trigger>
      <Dialog.Portal container={portalContainer}>
        <div data-part="overlay" aria-hidden="true" />
        <Dialog.Content data-part="dialog" data-size="large" aria-modal="true" onKeyDown={trapTabKey}>
          <Dialog.Title data-part="dialog-title">{t('wizard.glossary.title')}</Dialog.Title>
          <Dialog.Description data-part="dialog-description">{t('wizard.glossary.description')}</Dialog.Description>
          <dl data-part="glossary">
            {GLOSSARY_TERMS.map((term) => (
              <div key={term} data-part="glossary-entry">
                <dt>{t(`wizard.glossary.${term}` as MessageKey)}</dt>
                <dd>{t(`wizard.glossary.${term}.definition` as MessageKey)}</dd>
              </div>
            ))}
          </dl>
          <div data-part="dialog-actions">
            <Dialog.Close asChild>
              <Button variant="secondary">{t('common.close')}</Button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
