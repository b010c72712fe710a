export { ConfigurationWizard } from './configuration-wizard.js';
export type { ConfigurationWizardProps } from './configuration-wizard.js';
export { WIZARD_STEPS, isConfigurationStep, buildRows, toFormValues, toConfiguration, errorTarget, fieldKey } from './model.js';
export type { ConfigurationStep, SelectRow, WizardValues } from './model.js';
