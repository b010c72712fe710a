'use client';
import type { Control } from 'react-hook-form';
import { useWatch } from 'react-hook-form';
import { useCommerceSyncContext } from '../provider/provider.js';
import type { WizardValues } from './model.js';

/** The place an IANA zone is named after ("Europe/London" → "London", "Etc/UTC" → "UTC"). */
export function zonePlace(timeZone: string): string {
  return (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ');
}

/** The schedule step's real cut-off, in words: "Each day runs from 00:00 to 24:00 London time." */
export function CutOff({ control }: { control: Control<WizardValues> }) {
  const { t } = useCommerceSyncContext('CutOff');
  const timeZone = useWatch({ control, name: 'timeZone' });
  if (!timeZone) return null;
  return (
    <p data-part="description" data-state="cut-off" aria-live="polite">
      {t('wizard.schedule.cutOff', { place: zonePlace(timeZone) })}
    </p>
  );
}
