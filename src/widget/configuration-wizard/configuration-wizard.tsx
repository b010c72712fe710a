'use client';
import type { ReactNode } from 'react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Control, FieldPath } from 'react-hook-form';
import { Controller, useForm, useWatch } from 'react-hook-form';
import type { ConfigurationView } from '../../contract/bff.js';
import { isConfigurationRule } from '../../contract/configuration-rules.js';
import { outputModeOf } from '../../contract/configuration-helpers.js';
import type { FieldError } from '../../contract/errors.js';
import { useConfiguration, useConnection, useSaveConfiguration } from '../api/hooks.js';
import { Button } from '../components/button.js';
import { Combobox } from '../components/combobox.js';
import type { ComboboxOption } from '../components/combobox.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Field } from '../components/field.js';
import { useSettledWhilePressed } from '../components/use-settled-while-pressed.js';
import { ErrorState, Loading } from '../components/status-views.js';
import type { MessageKey } from '../i18n/index.js';
import type { CommerceSyncContextValue } from '../provider/provider.js';
import { useCommerceSyncContext } from '../provider/provider.js';
import type { ConfigurationStep, SelectRow, WizardValues } from './model.js';
import { splitPaymentRows } from './payment-types.js';
import { AcceptAllSuggestions, SuggestionHint } from './suggestion.js';
import type { Suggestion } from './suggestions.js';
import { suggestionsFor } from './suggestions.js';
import { INVOICE_STATUSES, nextDay } from './model.js';
import { WIZARD_STEPS, buildRows, errorStep, errorTarget, rowApplies, toConfiguration, toFormValues } from './model.js';
import { wizardResolver } from './resolver.js';
import { PostingPreview } from './preview.js';
import { Glossary } from './glossary.js';
import { CutOff } from './cut-off.js';

/** Props of {@link ConfigurationWizard}. */
export interface ConfigurationWizardProps {
  /** The current step (controlled). */
  step?: ConfigurationStep;
  /** The first step shown (uncontrolled). Default `output`. */
  defaultStep?: ConfigurationStep;
  onStepChange?: (step: ConfigurationStep) => void;
  /** Fires after the configuration was saved and accepted. */
  onSaved?: (configuration: ConfigurationView) => void;
  /** Shows a Cancel button; with unsaved changes the merchant confirms discarding them first. */
  onCancel?: () => void;
  /** Platform name used in help texts. */
  platformName?: string;
  /** Key of the connected platform: picks the provider's `visibleAccounts` entry. */
  platformKey?: string;
}

/**
 * The mapping wizard: output mode (locked after the first save), sales accounts, tax rates and
 * components, payment accounts, fees, schedule and a review of what will be posted. Server
 * validation errors land on their fields; leaving with unsaved changes asks first.
 *
 * @example
 * <ConfigurationWizard platformName="Xero" onSaved={() => setView('settings')} onCancel={close} />
 */
export function ConfigurationWizard(props: ConfigurationWizardProps) {
  const configuration = useConfiguration();
  if (configuration.isPending) return <Loading />;
  if (configuration.error) return <ErrorState report error={configuration.error} onRetry={() => void configuration.refetch()} />;
  return <WizardForm {...props} configuration={configuration.data} />;
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Etc/UTC';
  } catch {
    return 'Etc/UTC';
  }
}

function rowLabel(row: SelectRow, t: CommerceSyncContextValue['t']): string {
  return row.labelKey ? t(row.labelKey, row.labelParams) : row.labelText;
}

function rowDescription(row: SelectRow, t: CommerceSyncContextValue['t']): string | undefined {
  if (row.descriptionKey) return t(row.descriptionKey, row.descriptionParams);
  return row.descriptionText ?? undefined;
}

/** Labels of the form fields that are not mapping rows. */
const FIELD_LABELS = {
  outputFormat: 'wizard.step.output',
  invoiceStatus: 'wizard.output.invoiceStatus',
  syncFees: 'wizard.fees.sync',
  startDate: 'wizard.schedule.startDate',
  timeZone: 'wizard.schedule.timeZone',
  syncHour: 'wizard.schedule.syncHour',
} as const satisfies Readonly<Record<string, MessageKey>>;

/**
 * A configuration-rule problem (from the shared rules before saving, or from the server) in the
 * merchant's language: known rule codes are translated from the catalog with the field's label
 * and the platform name; anything else keeps the text it came with.
 */
function ruleMessage(problem: FieldError, field: string | null, rows: readonly SelectRow[], platform: string, t: CommerceSyncContextValue['t']): string {
  const code = problem.validatorName;
  if (!isConfigurationRule(code)) return problem.message;
  const row = field?.startsWith('selections.') ? rows.find((r) => `selections.${r.name}` === field) : undefined;
  const labelKey = field && Object.hasOwn(FIELD_LABELS, field) ? FIELD_LABELS[field as keyof typeof FIELD_LABELS] : undefined;
  const label = row ? rowLabel(row, t) : labelKey ? t(labelKey) : null;
  // These two name the field; without one, the text that came with the problem says more.
  if (label === null && (code === 'selection_required' || code === 'selection_not_an_option')) return problem.message;
  return t(`rule.${code}`, { label: label ?? '', platform });
}

function stepFields(step: ConfigurationStep, rows: readonly SelectRow[]): FieldPath<WizardValues>[] {
  switch (step) {
    case 'output':
      return ['outputFormat', 'invoiceStatus'];
    case 'schedule':
      return ['startDate', 'timeZone', 'syncHour'];
    case 'review':
      return [];
    case 'fees':
      return ['syncFees', ...rows.filter((r) => r.step === step).map((r) => `selections.${r.name}` as const)];
    default:
      return rows.filter((r) => r.step === step).map((r) => `selections.${r.name}` as const);
  }
}

function WizardForm({ configuration, step: controlledStep, defaultStep = 'output', onStepChange, onSaved, onCancel, platformName, platformKey }: ConfigurationWizardProps & { configuration: ConfigurationView }) {
  const { t, format, emit, visibleAccounts, paymentTypes } = useCommerceSyncContext('ConfigurationWizard');
  const visible = (platformKey ? visibleAccounts[platformKey] : undefined) ?? null;
  const save = useSaveConfiguration();
  const platform = platformName ?? configuration.accountingSoftwareCompanyName ?? 'your accounting software';
  const rows = useMemo(() => buildRows(configuration, visible), [configuration, visible]);
  const linkedPlatformKey = useConnection().data?.platform?.key;
  const suggestionPlatform = platformKey ?? linkedPlatformKey;
  // Proposed from the chart; never selected until the merchant accepts one or all of them.
  const suggestions = useMemo(() => suggestionsFor(configuration, rows, suggestionPlatform), [configuration, rows, suggestionPlatform]);
  const resolver = useMemo(
    () =>
      wizardResolver(
        rows,
        configuration,
        {
          required: (label) => t('error.required', { label }),
          outputFormat: t(FIELD_LABELS.outputFormat),
          invoiceStatus: t(FIELD_LABELS.invoiceStatus),
          startDate: t(FIELD_LABELS.startDate),
          timeZone: t(FIELD_LABELS.timeZone),
          syncHour: t(FIELD_LABELS.syncHour),
          row: (row) => rowLabel(row, t),
          rule: (problem, field) => ruleMessage(problem, field, rows, platform, t),
        },
        platform,
      ),
    [rows, configuration, t, platform],
  );
  const defaults = useMemo(() => toFormValues(configuration, rows, browserTimeZone()), [configuration, rows]);
  const locked = Boolean(configuration.configured && outputModeOf(configuration.configuration?.mapSettings));
  const form = useForm<WizardValues, unknown, WizardValues>({ resolver, defaultValues: defaults, mode: 'onTouched' });
  const { control, handleSubmit, formState, trigger, setError, reset, register, setValue } = form;
  const [innerStep, setInnerStep] = useState<ConfigurationStep>(defaultStep);
  const step = controlledStep ?? innerStep;
  // Every problem of the last refused save, each with the step where it is fixed.
  const [problems, setProblems] = useState<{ message: string; step: ConfigurationStep | null }[]>([]);
  const [saved, setSaved] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [movedByUser, setMovedByUser] = useState(false);
  const baseId = `cs-wizard${useId().replace(/:/g, '')}`;
  const index = WIZARD_STEPS.indexOf(step);

  useEffect(() => {
    emit('wizard_step_viewed', { step });
    // Focus follows the step only after the merchant navigated, never on first render.
    if (movedByUser) headingRef.current?.focus();
  }, [step, emit, movedByUser]);

  // Unsaved-changes guard for leaving the page.
  const dirty = formState.isDirty && !saved;
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  function goTo(next: ConfigurationStep) {
    setMovedByUser(true);
    if (controlledStep === undefined) setInnerStep(next);
    onStepChange?.(next);
  }

  async function next() {
    const valid = await trigger(stepFields(step, rows), { shouldFocus: true });
    const following = WIZARD_STEPS[index + 1];
    if (valid && following) goTo(following);
  }

  const onSubmit = handleSubmit(
    (values) => {
      setProblems([]);
      const { body, mappingComponents } = toConfiguration(values, rows, configuration);
      save.mutate(body, {
        onSuccess: (result) => {
          setSaved(true);
          reset(toFormValues(result, buildRows(result, visible), values.timeZone));
          onSaved?.(result);
        },
        onError: (error) => {
          if (error.code !== 'validation_failed') return;
          const listed: { message: string; step: ConfigurationStep | null }[] = [];
          let firstStep: ConfigurationStep | null = null;
          for (const item of error.validation) {
            const target = errorTarget(item.itemId, rows, mappingComponents);
            const step = errorStep(item.itemId, rows, mappingComponents);
            const message = ruleMessage(item, target?.field ?? null, rows, platform, t);
            if (target) setError(target.field as FieldPath<WizardValues>, { type: 'server', message });
            listed.push({ message, step });
            if (step && (firstStep === null || WIZARD_STEPS.indexOf(step) < WIZARD_STEPS.indexOf(firstStep))) firstStep = step;
          }
          setProblems(listed);
          if (firstStep) goTo(firstStep);
        },
      });
    },
    (errors) => {
      // Client validation failed on an earlier step: show that step.
      const firstInvalid = WIZARD_STEPS.find((s) => stepFields(s, rows).some((f) => getError(errors, f)));
      if (firstInvalid) goTo(firstInvalid);
    },
  );

  const outputFormat = useWatch({ control, name: 'outputFormat' });
  // Only before the first save: a deleted sync of this merchant already posted to this ledger.
  const previousSync = configuration.configured ? undefined : configuration.schedule?.previousSync;
  // Fee rows are filtered by the fees switch inside FeesStep.
  const stepRows = rows.filter((row) => row.step === step && rowApplies(row, { outputFormat, syncFees: true }));
  const selections = useWatch({ control, name: 'selections' });
  const syncFees = useWatch({ control, name: 'syncFees' });
  // Payments: the types this merchant uses first; the rest behind "Show all payment types"
  // (opened by itself when one of them has an error to fix).
  const paymentRows = step === 'payments' ? splitPaymentRows(stepRows, defaults.selections, selections, paymentTypes) : null;
  const [showAllPayments, setShowAllPayments] = useState(false);
  const allPaymentsShown = showAllPayments || Boolean(paymentRows?.others.some((row) => getError(formState.errors, `selections.${row.name}`)));
  const shownRows = paymentRows && !allPaymentsShown ? paymentRows.used : stepRows;
  const pendingSuggestions = shownRows.filter((row) => suggestions.has(row.name) && !selections?.[row.name] && (syncFees || !row.feesOnly));
  const acceptAll = () => {
    for (const row of pendingSuggestions) setValue(`selections.${row.name}`, suggestions.get(row.name)!.value, { shouldDirty: true, shouldValidate: true });
  };
  const hasServerErrors = save.error?.code === 'validation_failed';
  const headingId = `${baseId}-heading`;
  const acceptAllSuggestions = <AcceptAllSuggestions key={step} pending={pendingSuggestions.length} onAcceptAll={acceptAll} />;

  return (
    <form data-part="wizard" data-state={save.isPending ? 'saving' : saved ? 'saved' : 'editing'} aria-labelledby={headingId} noValidate onSubmit={(event) => void onSubmit(event)}>
      <h2 data-part="heading" id={`${baseId}-title`}>
        {t('wizard.title')}
      </h2>
      <nav aria-label={t('wizard.stepsLabel')} data-part="steps">
        <ol data-part="step-list">
          {WIZARD_STEPS.map((s, i) => (
            <li key={s} data-part="step-item" data-state={s === step ? 'current' : i < index ? 'complete' : 'upcoming'}>
              <button type="button" data-part="step-link" aria-current={s === step ? 'step' : undefined} onClick={() => goTo(s)} disabled={!configuration.configured && i > index}>
                {t(`wizard.step.${s}`)}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <p data-part="step-count">{t('wizard.stepOf', { current: index + 1, total: WIZARD_STEPS.length })}</p>

      {hasServerErrors ? (
        <div data-part="notice" data-state="error" role="alert">
          <p>{t('wizard.serverErrors')}</p>
          {problems.length > 0 ? (
            <ul data-part="problem-list">
              {problems.map((problem, i) => (
                <li key={`${i}-${problem.message}`} data-part="problem">
                  {problem.message}
                  {problem.step ? (
                    <>
                      {' '}
                      <Button variant="link" onClick={() => goTo(problem.step!)}>
                        {t('wizard.fixIn', { step: t(`wizard.step.${problem.step}`) })}
                      </Button>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : save.error ? (
        <ErrorState error={save.error} onRetry={() => void onSubmit()} />
      ) : null}
      {saved && !dirty ? (
        <p data-part="notice" data-state="success" role="status">
          {t('wizard.saved')}
        </p>
      ) : null}

      <section data-part="step" data-step={step}>
        <h3 data-part="step-heading" id={headingId} ref={headingRef} tabIndex={-1}>
          {t(`wizard.step.${step}`)}
        </h3>
        <Glossary />

        {step === 'output' ? (
          <OutputStep control={control} locked={locked} error={formState.errors.outputFormat?.message} statusError={formState.errors.invoiceStatus?.message} platform={platform} />
        ) : null}

        {step === 'sales' || step === 'taxRates' || step === 'payments' ? (
          <>
            <p data-part="description">
              {step === 'sales' ? t('wizard.sales.help', { platform }) : step === 'taxRates' ? t('wizard.taxRates.help', { platform }) : t('wizard.payments.help')}
            </p>
            {acceptAllSuggestions}
            {stepRows.length === 0 ? (
              <p data-part="empty">{step === 'taxRates' ? t('wizard.taxRates.none') : t('wizard.payments.none')}</p>
            ) : (
              shownRows.map((row) => <SelectField key={row.name} row={row} control={control} suggestion={suggestions.get(row.name)} />)
            )}
            {paymentRows && paymentRows.others.length > 0 ? (
              <Button variant="link" aria-expanded={allPaymentsShown} onClick={() => setShowAllPayments(!allPaymentsShown)}>
                {allPaymentsShown ? t('wizard.payments.showUsed') : t('wizard.payments.showAll', { count: paymentRows.others.length })}
              </Button>
            ) : null}
          </>
        ) : null}

        {step === 'fees' ? <FeesStep control={control} rows={stepRows} register={register} invoiceMode={outputFormat === 'Invoice'} suggestions={suggestions} acceptAll={acceptAllSuggestions} /> : null}

        {(step === 'schedule' || step === 'review') && previousSync ? <PreviousSyncNotice control={control} lastPostedDay={previousSync.lastPostedDay} platform={platform} /> : null}

        {step === 'schedule' ? <CutOff control={control} /> : null}
        {step === 'schedule' ? <ScheduleStep control={control} /> : null}

        {step === 'review' ? <ReviewStep control={control} rows={rows} platform={platform} format={format} /> : null}
        {step === 'review' ? <PostingPreview control={control} rows={rows} configuration={configuration} platform={platform} /> : null}
      </section>

      <div data-part="actions">
        {onCancel ? (
          <ConfirmDialog
            trigger={<Button variant="link">{t('wizard.cancel')}</Button>}
            title={t('wizard.unsaved.title')}
            description={t('wizard.unsaved.description')}
            confirmLabel={t('wizard.unsaved.discard')}
            cancelLabel={t('wizard.unsaved.keep')}
            onConfirm={onCancel}
            destructive
            skipWhen={() => !dirty}
          />
        ) : null}
        {index > 0 ? (
          <Button variant="secondary" onClick={() => goTo(WIZARD_STEPS[index - 1]!)}>
            {t('common.back')}
          </Button>
        ) : null}
        {step === 'review' ? (
          <Button type="submit" variant="primary" pending={save.isPending}>
            {save.isPending ? t('common.saving') : t('common.save')}
          </Button>
        ) : (
          <Button
            variant="primary"
            onClick={(event) => {
              // React reuses this element as the Save (submit) button once the review step
              // renders; cancelling the click's default keeps that switch from submitting.
              event.preventDefault();
              void next();
            }}
          >
            {t('common.next')}
          </Button>
        )}
      </div>
    </form>
  );
}

function getError(errors: object, path: string): unknown {
  let node: unknown = errors;
  for (const segment of path.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  return node;
}

function SelectField({ row, control, suggestion }: { row: SelectRow; control: Control<WizardValues>; suggestion?: Suggestion | undefined }) {
  const { t } = useCommerceSyncContext('ConfigurationWizard');
  const label = rowLabel(row, t);
  const inputRef = useRef<HTMLInputElement | null>(null);
  return (
    <Controller
      control={control}
      name={`selections.${row.name}`}
      render={({ field, fieldState }) => (
        <>
          <Field label={label} description={rowDescription(row, t)} error={fieldState.error?.message} required={row.required}>
            {(wiring) => (
              <Combobox
                {...wiring}
                name={field.name}
                inputRef={(element) => {
                  field.ref(element);
                  inputRef.current = element;
                }}
                options={row.options}
                value={field.value}
                onValueChange={field.onChange}
                onBlur={field.onBlur}
                listLabel={label}
                clearLabel={row.required ? undefined : t('combobox.clear', { label })}
              />
            )}
          </Field>
          {suggestion && !field.value ? (
            <SuggestionHint
              suggestion={suggestion}
              rowLabel={label}
              onAccept={() => {
                field.onChange(suggestion.value);
                // The hint goes away with the choice; focus stays on this row's select.
                inputRef.current?.focus();
              }}
            />
          ) : null}
        </>
      )}
    />
  );
}

function OutputStep({ control, locked, error, statusError, platform }: { control: Control<WizardValues>; locked: boolean; error: string | undefined; statusError: string | undefined; platform: string }) {
  const value = useWatch({ control, name: 'outputFormat' });
  return (
    <>
      <OutputFormatField control={control} locked={locked} error={error} />
      {value === 'Invoice' ? <InvoiceStatusField control={control} error={statusError} platform={platform} /> : null}
    </>
  );
}

/** How daily invoices are created: the status payments can be recorded against is preselected. */
interface RadioChoice<V extends string> {
  value: V;
  label: string;
  help: string;
}

/**
 * A required radio group bound to one form field: legend, optional help line, one radio per
 * choice with its own description, and the (settled) error line.
 */
function RadioGroupField<V extends string>({
  id,
  legend,
  help,
  choices,
  field,
  error,
}: {
  id: string;
  legend: string;
  help?: string;
  choices: readonly RadioChoice<V>[];
  field: { name: string; value: unknown; ref: (instance: HTMLInputElement | null) => void; onChange: (value: V) => void; onBlur: () => void };
  error: string | undefined;
}) {
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <fieldset
      role="radiogroup"
      data-part="fieldset"
      data-state={error ? 'invalid' : 'valid'}
      aria-describedby={describedBy || undefined}
      aria-invalid={error ? true : undefined}
      aria-required
    >
      <legend data-part="legend">
        {legend}
        <span data-part="required-marker" aria-hidden="true">
          {' *'}
        </span>
      </legend>
      {help ? (
        <p data-part="description" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
      {choices.map((choice, i) => (
        <div key={choice.value} data-part="radio" data-state={field.value === choice.value ? 'checked' : 'unchecked'}>
          <input
            type="radio"
            id={`${id}-${choice.value}`}
            name={field.name}
            value={choice.value}
            ref={i === 0 ? field.ref : undefined}
            checked={field.value === choice.value}
            onChange={() => field.onChange(choice.value)}
            onBlur={field.onBlur}
            aria-describedby={`${id}-${choice.value}-help`}
          />
          <label htmlFor={`${id}-${choice.value}`} data-part="label">
            {choice.label}
          </label>
          <p data-part="description" id={`${id}-${choice.value}-help`}>
            {choice.help}
          </p>
        </div>
      ))}
      {error ? (
        <p data-part="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function InvoiceStatusField({ control, error: currentError, platform }: { control: Control<WizardValues>; error: string | undefined; platform: string }) {
  const { t } = useCommerceSyncContext('ConfigurationWizard');
  const error = useSettledWhilePressed(currentError);
  const id = `cs-invoice-status${useId().replace(/:/g, '')}`;
  const choices = INVOICE_STATUSES.map((value) =>
    value === 'Submitted'
      ? { value, label: t('wizard.output.submitted'), help: t('wizard.output.submittedHelp') }
      : { value, label: t('wizard.output.draft'), help: t('wizard.output.draftHelp', { platform }) },
  );
  return (
    <Controller
      control={control}
      name="invoiceStatus"
      render={({ field }) => <RadioGroupField id={id} legend={t('wizard.output.invoiceStatus')} choices={choices} field={field} error={error} />}
    />
  );
}

function OutputFormatField({ control, locked, error: currentError }: { control: Control<WizardValues>; locked: boolean; error: string | undefined }) {
  const { t } = useCommerceSyncContext('ConfigurationWizard');
  // As in Field: the error line changes only once no button is pressed (see useSettledWhilePressed).
  const error = useSettledWhilePressed(currentError);
  const id = `cs-output${useId().replace(/:/g, '')}`;
  const value = useWatch({ control, name: 'outputFormat' });
  if (locked) {
    return (
      <div data-part="field" data-state="locked">
        <p data-part="label">{t('wizard.output.legend')}</p>
        <p data-part="value">{value === 'Invoice' ? t('wizard.output.invoice') : t('wizard.output.journal')}</p>
        <p data-part="description">{t('wizard.output.lockedHelp')}</p>
      </div>
    );
  }
  const choices = [
    { value: 'JournalEntry' as const, label: t('wizard.output.journal'), help: t('wizard.output.journalHelp') },
    { value: 'Invoice' as const, label: t('wizard.output.invoice'), help: t('wizard.output.invoiceHelp') },
  ];
  return (
    <Controller
      control={control}
      name="outputFormat"
      render={({ field }) => (
        <RadioGroupField id={id} legend={t('wizard.output.legend')} help={t('wizard.output.onceHelp')} choices={choices} field={field} error={error} />
      )}
    />
  );
}

function FeesStep({
  control,
  rows,
  register,
  invoiceMode,
  suggestions,
  acceptAll,
}: {
  control: Control<WizardValues>;
  rows: SelectRow[];
  register: ReturnType<typeof useForm<WizardValues>>['register'];
  invoiceMode: boolean;
  suggestions: ReadonlyMap<string, Suggestion>;
  acceptAll: ReactNode;
}) {
  const { t } = useCommerceSyncContext('ConfigurationWizard');
  const syncFees = useWatch({ control, name: 'syncFees' });
  const id = `cs-fees${useId().replace(/:/g, '')}`;
  return (
    <>
      <div data-part="checkbox" data-state={syncFees ? 'checked' : 'unchecked'}>
        <input type="checkbox" id={id} aria-describedby={`${id}-help`} {...register('syncFees')} />
        <label htmlFor={id} data-part="label">
          {t('wizard.fees.sync')}
        </label>
        <p data-part="description" id={`${id}-help`}>
          {`${t('wizard.fees.help')} ${invoiceMode ? t('wizard.fees.invoiceHelp') : t('wizard.fees.journalHelp')}`}
        </p>
      </div>
      {syncFees ? acceptAll : null}
      {syncFees ? rows.map((row) => <SelectField key={row.name} row={row} control={control} suggestion={suggestions.get(row.name)} />) : null}
    </>
  );
}

/**
 * Says how far an earlier, deleted sync already posted to this ledger, and warns when the chosen
 * first day would post some of those days again.
 */
function PreviousSyncNotice({ control, lastPostedDay, platform }: { control: Control<WizardValues>; lastPostedDay: string; platform: string }) {
  const { t, format } = useCommerceSyncContext('ConfigurationWizard');
  const startDate = useWatch({ control, name: 'startDate' });
  const overlap = /^\d{4}-\d{2}-\d{2}$/.test(startDate) && startDate <= lastPostedDay;
  const params = { lastDay: format.date(lastPostedDay), nextDay: format.date(nextDay(lastPostedDay)), platform, startDate: overlap ? format.date(startDate) : '' };
  return (
    <p data-part="notice" data-state="warning" role="status">
      {overlap ? t('wizard.schedule.previousSyncOverlap', params) : t('wizard.schedule.previousSync', params)}
    </p>
  );
}

let timeZoneOptionsCache: { locale: string; options: ComboboxOption[] } | null = null;

function timeZoneOptions(locale: string, describe: (tz: string) => string): ComboboxOption[] {
  if (timeZoneOptionsCache?.locale === locale) return timeZoneOptionsCache.options;
  const zones = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);
  zones.add('Etc/UTC');
  const options = [...zones].map((zone) => ({ value: zone, label: zone.replace(/_/g, ' '), detail: describe(zone) }));
  timeZoneOptionsCache = { locale, options };
  return options;
}

function ScheduleStep({ control }: { control: Control<WizardValues> }) {
  const { t, format, locale } = useCommerceSyncContext('ConfigurationWizard');
  const zones = useMemo(() => timeZoneOptions(locale, (tz) => format.timeZone(tz).replace(/^[^(]*\(|\)$/g, '')), [locale, format]);
  return (
    <>
      <Controller
        control={control}
        name="startDate"
        render={({ field, fieldState }) => (
          <Field label={t('wizard.schedule.startDate')} description={t('wizard.schedule.startDateHelp')} error={fieldState.error?.message} required>
            {(wiring) => <input type="date" data-part="input" {...wiring} name={field.name} ref={field.ref} value={field.value} onChange={field.onChange} onBlur={field.onBlur} />}
          </Field>
        )}
      />
      <Controller
        control={control}
        name="timeZone"
        render={({ field, fieldState }) => (
          <Field label={t('wizard.schedule.timeZone')} description={t('wizard.schedule.timeZoneHelp')} error={fieldState.error?.message} required>
            {(wiring) => (
              <Combobox {...wiring} name={field.name} inputRef={field.ref} options={zones} value={field.value} onValueChange={field.onChange} onBlur={field.onBlur} listLabel={t('wizard.schedule.timeZone')} />
            )}
          </Field>
        )}
      />
      <Controller
        control={control}
        name="syncHour"
        render={({ field, fieldState }) => (
          <Field label={t('wizard.schedule.syncHour')} description={t('wizard.schedule.syncHourHelp')} error={fieldState.error?.message} required>
            {(wiring) => (
              <select data-part="select" {...wiring} name={field.name} ref={field.ref} value={field.value} onChange={field.onChange} onBlur={field.onBlur}>
                {Array.from({ length: 24 }, (_, hour) => (
                  <option key={hour} value={String(hour)}>
                    {format.hour(hour)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      />
    </>
  );
}

function ReviewStep({ control, rows, platform, format }: { control: Control<WizardValues>; rows: SelectRow[]; platform: string; format: CommerceSyncContextValue['format'] }) {
  const { t } = useCommerceSyncContext('ConfigurationWizard');
  const values = useWatch({ control }) as WizardValues;
  const labelOf = (row: SelectRow) => {
    const id = values.selections?.[row.name];
    return id ? (row.options.find((o) => o.value === id)?.label ?? id) : t('common.notSet');
  };
  const shown = rows.filter((row) => rowApplies(row, { outputFormat: values.outputFormat ?? '', syncFees: Boolean(values.syncFees) }));
  const supplier = rows.find((row) => row.itemId === 'configuration.fees.feesSupplier.selectedSupplierId');
  const params = { hour: format.hour(Number(values.syncHour ?? 0)), timeZone: values.timeZone ?? '', startDate: values.startDate ? format.date(values.startDate) : t('common.notSet'), platform };
  return (
    <div data-part="review">
      <h4 data-part="review-title">{t('wizard.review.title')}</h4>
      <p data-part="review-summary">{values.outputFormat === 'Invoice' ? t('wizard.review.invoice', params) : t('wizard.review.journal', params)}</p>
      <p data-part="review-fees">
        {!values.syncFees
          ? t('wizard.review.noFees')
          : values.outputFormat === 'Invoice'
            ? t('wizard.review.fees', { supplier: supplier ? labelOf(supplier) : t('common.notSet') })
            : t('wizard.review.journalFees')}
      </p>
      <table data-part="review-table">
        <thead>
          <tr>
            <th scope="col">{t('wizard.review.mapping')}</th>
            <th scope="col">{t('wizard.review.account')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.name} data-state={values.selections?.[row.name] ? 'set' : 'unset'}>
              <th scope="row">{rowLabel(row, t)}</th>
              <td>{labelOf(row)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
