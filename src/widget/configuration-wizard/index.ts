export { ConfigurationWizard, loadConfigurationWizard } from './lazy.js';
export type { ConfigurationWizardProps } from './configuration-wizard.js';
export { WIZARD_STEPS, isConfigurationStep } from './steps.js';
export type { ConfigurationStep } from './steps.js';
export { buildRows, toFormValues, toConfiguration, errorTarget, fieldKey } from './model.js';
export type { SelectRow, WizardValues } from './model.js';
