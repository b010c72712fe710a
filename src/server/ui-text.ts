import type { LocalizationInfo, UiLocale } from '../contract/sync-api.js';
import type { MessageKey } from '../widget/i18n/index.js';

type Texts = Record<string, string>;

const EN: Texts = {
  'output.title': 'How should sales be posted?',
  'output.journal': 'One daily journal',
  'output.invoice': 'One daily invoice with payments',
  'sales.title': 'Sales accounts',
  'sales.accounts.sales': 'Account sales are posted to',
  'sales.accounts.refund': 'Account refunds are posted to',
  'sales.accounts.gratuity': 'Account gratuities (tips) are posted to',
  'sales.accounts.prepaid': 'Account gift cards sold are posted to',
  'taxRates.title': 'Tax rates',
  'taxRates.description': 'Match each tax rate in your sales to a tax rate in your accounting platform.',
  'payments.title': 'Payments',
  'payments.description': 'Choose the account each payment type is paid into.',
  'payments.accounts.payout': 'Bank account payouts land in',
  'fees.title': 'Fees',
  'fees.accounts.paymentFee': 'Account payment fees are posted to',
  'fees.accounts.paymentFeeRefund': 'Account fee refunds are posted to',
  'fees.supplier': 'Supplier fee bills are raised from',
  'schedule.title': 'Schedule',
  'schedule.startDate': 'First day to sync',
  'schedule.syncHour': 'Hour of the day the sync runs',
  'schedule.timeZone': 'Time zone your business days follow',
  'review.title': 'Review and start syncing',
};

const FR: Texts = {
  'output.title': 'Comment les ventes doivent-elles être comptabilisées ?',
  'output.journal': 'Une écriture de journal par jour',
  'output.invoice': 'Une facture par jour avec ses paiements',
  'sales.title': 'Comptes de ventes',
  'sales.accounts.sales': 'Compte des ventes',
  'sales.accounts.refund': 'Compte des remboursements',
  'sales.accounts.gratuity': 'Compte des pourboires',
  'sales.accounts.prepaid': 'Compte des cartes cadeaux vendues',
  'taxRates.title': 'Taux de taxe',
  'taxRates.description': 'Associez chaque taux de taxe de vos ventes à un taux de votre logiciel comptable.',
  'payments.title': 'Paiements',
  'payments.description': 'Choisissez le compte qui reçoit chaque type de paiement.',
  'payments.accounts.payout': 'Compte bancaire des virements',
  'fees.title': 'Frais',
  'fees.accounts.paymentFee': 'Compte des frais de paiement',
  'fees.accounts.paymentFeeRefund': 'Compte des remboursements de frais',
  'fees.supplier': 'Fournisseur des factures de frais',
  'schedule.title': 'Planification',
  'schedule.startDate': 'Premier jour à synchroniser',
  'schedule.syncHour': 'Heure de la synchronisation',
  'schedule.timeZone': 'Fuseau horaire de vos journées',
  'review.title': 'Vérifier et lancer la synchronisation',
};

const REQUIRED = new Set(['output.title', 'sales.accounts.sales', 'payments.title', 'schedule.startDate']);

/** Built-in sync-flow texts for a locale (before partner overrides). */
export function defaultUiText(locale: UiLocale): LocalizationInfo {
  const texts = locale === 'fr-fr' ? FR : EN;
  return Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, { text, required: REQUIRED.has(key) }]));
}

/**
 * Codat's sync-flow text keys (`configure-misc-nextButton`, …): hyphen-separated words.
 * They are accepted, stored and returned beside ours (which use dots), so a partner's
 * existing overrides keep working.
 */
export function isCodatTextKey(key: string): boolean {
  return /^[a-z]+(?:-[A-Za-z0-9]+)+$/.test(key) && key.length <= 200;
}

/**
 * Where each stored sync-flow text lands in the widget: our keys and the Codat keys whose
 * meaning is known map to a widget message key; the hosted page applies a partner's override
 * of any of them. Other Codat keys are stored and echoed but have no place in this UI.
 */
export const UI_TEXT_WIDGET_KEYS: Readonly<Record<string, MessageKey>> = {
  'output.title': 'wizard.output.legend',
  'output.journal': 'wizard.output.journal',
  'output.invoice': 'wizard.output.invoice',
  'sales.title': 'wizard.step.sales',
  'sales.accounts.sales': 'wizard.sales.sales',
  'sales.accounts.refund': 'wizard.sales.refund',
  'sales.accounts.gratuity': 'wizard.sales.gratuity',
  'sales.accounts.prepaid': 'wizard.sales.prepaid',
  'taxRates.title': 'wizard.step.taxRates',
  'taxRates.description': 'wizard.taxRates.help',
  'payments.title': 'wizard.step.payments',
  'payments.description': 'wizard.payments.help',
  'payments.accounts.payout': 'wizard.payments.payout',
  'fees.title': 'wizard.step.fees',
  'fees.accounts.paymentFee': 'wizard.fees.paymentFee',
  'fees.accounts.paymentFeeRefund': 'wizard.fees.paymentFeeRefund',
  'fees.supplier': 'wizard.fees.supplier',
  'schedule.title': 'wizard.step.schedule',
  'schedule.startDate': 'wizard.schedule.startDate',
  'schedule.syncHour': 'wizard.schedule.syncHour',
  'schedule.timeZone': 'wizard.schedule.timeZone',
  'review.title': 'wizard.step.review',
  'configure-misc-nextButton': 'common.next',
  'configure-misc-backButton': 'common.back',
};

/** The partner's stored overrides as widget messages (texts set to null, or with no place in the widget, are left out). */
export function widgetMessagesOf(overrides: Readonly<Record<string, { text: string | null }>>): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const target = Object.hasOwn(UI_TEXT_WIDGET_KEYS, key) ? UI_TEXT_WIDGET_KEYS[key] : undefined;
    if (target && value.text) messages[target] = value.text;
  }
  return messages;
}
