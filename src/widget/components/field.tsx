'use client';
import type { ReactNode } from 'react';
import { useId } from 'react';
import { useCommerceSyncContext } from '../provider/provider.js';
import { useSettledWhilePressed } from './use-settled-while-pressed.js';

/** The ARIA wiring {@link Field} passes to its control. */
export interface FieldControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': boolean | undefined;
  'aria-required': boolean | undefined;
}

/** Props of {@link Field}. */
export interface FieldProps {
  label: ReactNode;
  /** Inline help under the label. */
  description?: ReactNode;
  /** Error message; sets `aria-invalid` and is announced with the control. */
  error?: string | undefined;
  required?: boolean;
  /** Renders the control with the wiring props. */
  children: (control: FieldControlProps) => ReactNode;
  /** Stable id for the control (defaults to a generated one). */
  id?: string;
}

/**
 * One form row: label, required marker, description, error, and the `aria-describedby` /
 * `aria-invalid` / `aria-required` wiring of its control. An error that changes while a mouse
 * button is down (validation on blur when Next is pressed) is shown or removed on release, so
 * the layout under the pointer stays put.
 *
 * @example
 * <Field label="Sales" description="Income account" error={errors.sales?.message} required>
 *   {(control) => <input {...control} />}
 * </Field>
 */
export function Field({ label, description, error: currentError, required = false, children, id: givenId }: FieldProps) {
  const { t } = useCommerceSyncContext('Field');
  // The error line appears or goes only once no button is pressed, so a press never moves its target.
  const error = useSettledWhilePressed(currentError);
  const generated = useId();
  const id = givenId ?? `cs-field${generated.replace(/:/g, '')}`;
  const descriptionId = description ? `${id}-description` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, descriptionId].filter(Boolean).join(' ') || undefined;
  return (
    <div data-part="field" data-state={error ? 'invalid' : 'valid'}>
      <label data-part="label" htmlFor={id}>
        {label}
        {required ? (
          <span data-part="required-marker" aria-hidden="true" title={t('common.required')}>
            {' *'}
          </span>
        ) : null}
      </label>
      {description ? (
        <p data-part="description" id={descriptionId}>
          {description}
        </p>
      ) : null}
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, 'aria-required': required || undefined })}
      {error ? (
        <p data-part="error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
