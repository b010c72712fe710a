import type { SyncErrorCode } from '../../contract/error-catalog.js';

/**
 * Localized merchant-facing text of every error-catalog code (en-US; en-GB shares it; fr-FR),
 * without the run's parameters (the sync service stores its message as final English text).
 * Used by `<SyncSettings>` for non-English merchants and by `<SyncHealth>`.
 */

export const catalogEnUS: Record<`catalog.${SyncErrorCode}`, string> = {
  'catalog.payment_type_unmapped':
    'A new payment type appeared in the sales. Choose the account it is paid into under Payments, then sync again.',
  'catalog.account_missing':
    'A mapped account no longer exists in the accounting platform. Choose another account, then sync again.',
  'catalog.account_archived':
    'A mapped account is archived in the accounting platform. Restore it or choose another account, then sync again.',
  'catalog.customer_archived':
    'The sales customer is archived in the accounting platform. Restore it or choose another customer, then sync again.',
  'catalog.supplier_archived':
    'The fees supplier is archived in the accounting platform. Restore it or choose another supplier, then sync again.',
  'catalog.tax_rate_missing':
    'A mapped tax rate no longer exists in the accounting platform. Choose another tax rate, then sync again.',
  'catalog.tax_rate_unmapped':
    'Some sales have a tax rate with no mapping. Map it under Tax rates, then sync again.',
  'catalog.no_sales_account':
    'The chart of accounts has no income (sales) account. Create one, then choose it under Sales.',
  'catalog.configuration_invalid':
    'The sync settings need attention. Review them, then sync again.',
  'catalog.period_locked':
    'The books are locked for these dates. Move the lock date or set a later start date, then sync again.',
  'catalog.authorization_revoked':
    'Access to the accounting platform was revoked. Reconnect it to resume syncing.',
  'catalog.authorization_expired':
    'The connection to the accounting platform has expired. Reconnect it to resume syncing.',
  'catalog.connection_deleted':
    'The connection to the accounting platform was removed. Connect it again to resume syncing.',
  'catalog.subscription_expired':
    'The accounting platform subscription has expired or does not allow this. Renew it; syncing resumes on the next run.',
  'catalog.rate_limited':
    'The accounting platform asked us to slow down. The sync retries automatically.',
  'catalog.duplication_protection':
    'These dates are already synced or syncing, so nothing was posted twice.',
  'catalog.platform_outage':
    'The accounting platform is not responding. The sync retries automatically.',
  'catalog.currency_mismatch':
    'Some sales are in a currency the accounting platform does not accept. Enable it there, then sync again.',
  'catalog.document_rejected':
    'The accounting platform rejected a document. Check the settings under Review, then sync again.',
  'catalog.record_invalid':
    'Some sales data sent by the commerce platform cannot be posted. The partner must correct it; nothing needs changing in the settings.',
  'catalog.internal_error':
    'Something went wrong on our side. The sync retries; contact support if this continues.',
};

export const catalogFrFR: Record<`catalog.${SyncErrorCode}`, string> = {
  'catalog.payment_type_unmapped':
    'Un nouveau moyen de paiement est apparu dans les ventes. Choisissez son compte d’encaissement dans Paiements, puis relancez la synchronisation.',
  'catalog.account_missing':
    'Un compte associé n’existe plus dans le logiciel comptable. Choisissez un autre compte, puis relancez la synchronisation.',
  'catalog.account_archived':
    'Un compte associé est archivé dans le logiciel comptable. Restaurez-le ou choisissez un autre compte, puis relancez la synchronisation.',
  'catalog.customer_archived':
    'Le client des ventes est archivé dans le logiciel comptable. Restaurez-le ou choisissez un autre client, puis relancez la synchronisation.',
  'catalog.supplier_archived':
    'Le fournisseur des frais est archivé dans le logiciel comptable. Restaurez-le ou choisissez un autre fournisseur, puis relancez la synchronisation.',
  'catalog.tax_rate_missing':
    'Un taux de taxe associé n’existe plus dans le logiciel comptable. Choisissez un autre taux, puis relancez la synchronisation.',
  'catalog.tax_rate_unmapped':
    'Des ventes ont un taux de taxe sans correspondance. Associez-le dans Taux de taxe, puis relancez la synchronisation.',
  'catalog.no_sales_account':
    'Le plan comptable n’a aucun compte de produits (ventes). Créez-en un, puis choisissez-le dans Ventes.',
  'catalog.configuration_invalid':
    'Les réglages de synchronisation sont à revoir. Vérifiez-les, puis relancez la synchronisation.',
  'catalog.period_locked':
    'Les écritures sont verrouillées pour ces dates. Déplacez la date de clôture ou choisissez une date de début plus tardive, puis relancez la synchronisation.',
  'catalog.authorization_revoked':
    'L’accès au logiciel comptable a été révoqué. Reconnectez-le pour reprendre la synchronisation.',
  'catalog.authorization_expired':
    'La connexion au logiciel comptable a expiré. Reconnectez-le pour reprendre la synchronisation.',
  'catalog.connection_deleted':
    'La connexion au logiciel comptable a été supprimée. Connectez-le de nouveau pour reprendre la synchronisation.',
  'catalog.subscription_expired':
    'L’abonnement au logiciel comptable a expiré ou ne le permet pas. Renouvelez-le ; la synchronisation reprendra au prochain passage.',
  'catalog.rate_limited':
    'Le logiciel comptable nous demande de ralentir. La synchronisation réessaiera automatiquement.',
  'catalog.duplication_protection':
    'Ces dates sont déjà synchronisées ou en cours : rien n’a été publié deux fois.',
  'catalog.platform_outage':
    'Le logiciel comptable ne répond pas. La synchronisation réessaiera automatiquement.',
  'catalog.currency_mismatch':
    'Des ventes sont dans une devise que le logiciel comptable n’accepte pas. Activez-la, puis relancez la synchronisation.',
  'catalog.document_rejected':
    'Le logiciel comptable a refusé un document. Vérifiez les réglages dans Récapitulatif, puis relancez la synchronisation.',
  'catalog.record_invalid':
    'Des données de vente envoyées par la plateforme de commerce ne peuvent pas être publiées. Le partenaire doit les corriger ; aucun réglage n’est à changer.',
  'catalog.internal_error':
    'Une erreur est survenue de notre côté. La synchronisation réessaiera ; contactez le support si cela persiste.',
};

/**
 * fr-FR texts that name the failure's specifics, used when the run carries every parameter they
 * name (`{mapping}` and `{paymentType}` as the wizard labels them, dates in the locale's format).
 */
const detailedFrFR: Partial<Record<SyncErrorCode, string>> = {
  payment_type_unmapped:
    'Un nouveau moyen de paiement, {paymentType}, est apparu dans les ventes. Choisissez son compte d’encaissement dans Paiements, puis relancez la synchronisation.',
  account_missing:
    'Le compte « {accountName} » associé à « {mapping} » n’existe plus dans {platform}. Choisissez un autre compte, puis relancez la synchronisation.',
  account_archived:
    'Le compte « {accountName} » associé à « {mapping} » est archivé dans {platform}. Restaurez-le dans {platform} ou choisissez un autre compte, puis relancez la synchronisation.',
  customer_archived:
    'Le client des ventes « {contactName} » est archivé dans {platform}. Restaurez-le ou choisissez un autre client, puis relancez la synchronisation.',
  supplier_archived:
    'Le fournisseur des frais « {contactName} » est archivé dans {platform}. Restaurez-le ou choisissez un autre fournisseur, puis relancez la synchronisation.',
  tax_rate_missing:
    'Le taux de taxe associé à {taxRate} n’existe plus dans {platform}. Choisissez un autre taux, puis relancez la synchronisation.',
  tax_rate_unmapped:
    'Des ventes ont un taux de taxe sans correspondance ({taxRate}). Associez-le dans Taux de taxe, puis relancez la synchronisation.',
  period_locked:
    'Les écritures de {platform} sont verrouillées jusqu’au {lockDate} : les ventes du {date} ne peuvent pas être publiées. Déplacez la date de clôture dans {platform} ou choisissez une date de début plus tardive, puis relancez la synchronisation.',
  currency_mismatch:
    'Des ventes sont en {currency}, une devise que {platform} n’accepte pas. Activez {currency} dans {platform}, puis relancez la synchronisation.',
};

/** The text of `code` for `locale` naming the failure's specifics, when there is one. */
export function detailedCatalogMessage(locale: string, code: SyncErrorCode): string | null {
  if (locale.toLowerCase().startsWith('fr')) return detailedFrFR[code] ?? null;
  return null;
}

/**
 * The catalog text of `code` for `locale`, or null when the sync service's own (English, more
 * specific) message should be shown as it is.
 */
export function localizedCatalogMessage(locale: string, code: SyncErrorCode): string | null {
  if (locale.toLowerCase().startsWith('fr')) return catalogFrFR[`catalog.${code}`];
  return null;
}
