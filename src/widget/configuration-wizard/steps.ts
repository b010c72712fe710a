import type { WizardStep } from '../../contract/error-catalog.js';

/** The wizard's steps, in order (`connection` is not a wizard step: it is the authorization part). */
export const WIZARD_STEPS = ['output', 'sales', 'taxRates', 'payments', 'fees', 'schedule', 'review'] as const;
/** A step of the configuration wizard. */
export type ConfigurationStep = (typeof WIZARD_STEPS)[number];

/** Narrows a catalog wizard step to a configuration step (`connection` is handled elsewhere). */
export function isConfigurationStep(step: WizardStep | string | null | undefined): step is ConfigurationStep {
  return (WIZARD_STEPS as readonly string[]).includes(step ?? '');
}
