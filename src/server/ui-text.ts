import type { LocalizationInfo, UiLocale } from '../contract/sync-api.js';

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
