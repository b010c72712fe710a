import type { FieldErrors, Resolver } from 'react-hook-form';
import type { ConfigurationView } from '../../contract/bff.js';
import { isValidTimeZone } from '../../contract/configuration-helpers.js';
import { validateConfiguration } from '../../contract/configuration-rules.js';
import type { FieldError } from '../../contract/errors.js';
import type { SelectRow, WizardValues } from './model.js';
import { errorTarget, rowApplies, toConfiguration } from './model.js';

/** Texts the resolver needs, already translated by the wizard. */
export interface WizardResolverLabels {
  /** "{label} is required" for the given field label. */
  required: (label: string) => string;
  outputFormat: string;
  invoiceStatus: string;
  startDate: string;
  timeZone: string;
  syncHour: string;
  /** The merchant-facing label of a mapping row. */
  row: (row: SelectRow) => string;
  /** The merchant-facing text of a configuration rule problem placed on `field` (see `ruleMessage`). */
  rule: (problem: FieldError, field: string) => string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HOUR = /^(?:[01]?\d|2[0-3])$/;

function setError(errors: Record<string, unknown>, field: string, type: string, message: string): void {
  const [head, ...rest] = field.split('.');
  if (head === undefined) return;
  if (rest.length === 0) {
    errors[head] ??= { type, message };
    return;
  }
  const child = (errors[head] ??= {}) as Record<string, unknown>;
  setError(child, rest.join('.'), type, message);
}

/**
 * The wizard's react-hook-form resolver, without a schema library: first the wizard's own field
 * rules (translated "required" messages), then the shared business rules of
 * `validateConfiguration` on the body that would be saved, each error placed on its field the
 * same way server validation errors are. Rule errors that have no field in the wizard are left
 * to the server, whose answer lists them above the form.
 *
 * @example
 * useForm({ resolver: wizardResolver(rows, configuration, labels, 'Xero') });
 */
export function wizardResolver(
  rows: readonly SelectRow[],
  configuration: ConfigurationView,
  labels: WizardResolverLabels,
  platformName: string,
): Resolver<WizardValues> {
  return (values) => {
    const errors: Record<string, unknown> = {};
    if (values.outputFormat !== 'JournalEntry' && values.outputFormat !== 'Invoice') setError(errors, 'outputFormat', 'required', labels.required(labels.outputFormat));
    if (values.outputFormat === 'Invoice' && values.invoiceStatus !== 'Submitted' && values.invoiceStatus !== 'Draft') setError(errors, 'invoiceStatus', 'required', labels.required(labels.invoiceStatus));
    if (!DATE.test(values.startDate)) setError(errors, 'startDate', 'pattern', labels.required(labels.startDate));
    if (!isValidTimeZone(values.timeZone)) setError(errors, 'timeZone', 'validate', labels.required(labels.timeZone));
    if (!HOUR.test(values.syncHour)) setError(errors, 'syncHour', 'pattern', labels.required(labels.syncHour));
    for (const row of rows) {
      if (!row.required || !rowApplies(row, values)) continue;
      if (!values.selections[row.name]) setError(errors, `selections.${row.name}`, 'required', labels.required(labels.row(row)));
    }
    const { body, mappingComponents } = toConfiguration(values, rows, configuration);
    for (const problem of validateConfiguration(body, { previous: configuration, platformName })) {
      const target = errorTarget(problem.itemId, rows, mappingComponents);
      if (target) setError(errors, target.field, problem.validatorName, labels.rule(problem, target.field));
    }
    return Object.keys(errors).length === 0 ? { values, errors: {} } : { values: {}, errors: errors as FieldErrors<WizardValues> };
  };
}
