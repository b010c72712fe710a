import type { Messages } from './en-us.js';
import { enUS } from './en-us.js';

/** The en-GB message catalog: en-US with British spelling and usage. */
export const enGB: Messages = {
  ...enUS,
  'wizard.sales.gratuity': 'Gratuity (service charge and tips)',
  'wizard.review.journal': 'Every day at {hour} ({timeZone}), starting on {startDate}, one journal per currency is posted to {platform}.',
  'wizard.review.invoice': 'Every day at {hour} ({timeZone}), starting on {startDate}, one sales invoice, a credit note for refunds and one payment per payment type are posted to {platform}.',
  'wizard.preview.example.tax': 'VAT payable',
  'wizard.preview.example.taxLine': 'VAT collected',
  'settings.enabledHelp': 'Pause to stop posting. Days missed whilst paused are posted when you resume.',
  'settings.deauthorizeDescription': 'Syncing stops until you connect again. Nothing already posted is altered.',
};
