'use client';
import { useEffect, useRef, useState } from 'react';
import { Button } from '../components/button.js';
import { useCommerceSyncContext } from '../provider/provider.js';
import type { Suggestion } from './suggestions.js';

/**
 * "Suggested: Card clearing (091) — Use suggestion" under a row that has no choice yet. The
 * suggestion is only selected when the merchant presses the button; nothing is saved until the
 * wizard is saved.
 */
export function SuggestionHint({ suggestion, rowLabel, onAccept }: { suggestion: Suggestion; rowLabel: string; onAccept: () => void }) {
  const { t } = useCommerceSyncContext('ConfigurationWizard');
  return (
    <p data-part="suggestion">
      <span data-part="badge" data-state="suggested">{t('wizard.suggestion.badge')}</span> <span data-part="suggestion-value">{suggestion.label}</span>{' '}
      <Button variant="link" aria-label={t('wizard.suggestion.useLabel', { account: suggestion.label, label: rowLabel })} onClick={onAccept}>
        {t('wizard.suggestion.use')}
      </Button>
    </p>
  );
}

/**
 * "Accept all suggestions (3)" for the rows of a step that have a suggestion and no choice.
 * After accepting, the button gives way to a status line that takes the focus, so keyboard and
 * screen-reader users hear how many rows were filled and stay in place.
 */
export function AcceptAllSuggestions({ pending, onAcceptAll }: { pending: number; onAcceptAll: () => void }) {
  const { t } = useCommerceSyncContext('ConfigurationWizard');
  const [accepted, setAccepted] = useState<number | null>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (accepted !== null) statusRef.current?.focus();
  }, [accepted]);
  if (pending > 0) {
    return (
      <div data-part="suggestions-bar">
        <p data-part="description">{t('wizard.suggestion.help')}</p>
        <Button
          variant="secondary"
          onClick={() => {
            setAccepted(pending);
            onAcceptAll();
          }}
        >
          {t('wizard.suggestion.acceptAll', { count: pending })}
        </Button>
      </div>
    );
  }
  if (accepted === null) return null;
  return (
    <p ref={statusRef} data-part="notice" data-state="success" role="status" tabIndex={-1}>
      {t('wizard.suggestion.acceptedAll', { count: accepted })}
    </p>
  );
}
