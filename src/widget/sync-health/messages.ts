import type { SyncErrorCode, WizardStep } from '../../contract/error-catalog.js';
import type { SupportedLocale } from '../i18n/index.js';

/**
 * Message catalogs of `<SyncHealth>` (en-US, en-GB, fr-FR), kept next to the component so the
 * widget's merchant catalogs stay unchanged. `catalog.<code>` keys are the localized
 * merchant-facing text of every error-catalog code (without the run's parameters, which the
 * sync service does not store).
 */

const catalogEnUS: Record<`catalog.${SyncErrorCode}`, string> = {
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

const catalogFrFR: Record<`catalog.${SyncErrorCode}`, string> = {
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

const stepsEnUS: Record<`step.${WizardStep}`, string> = {
  'step.output': 'Output',
  'step.sales': 'Sales',
  'step.taxRates': 'Tax rates',
  'step.payments': 'Payments',
  'step.fees': 'Fees',
  'step.schedule': 'Schedule',
  'step.review': 'Review',
  'step.connection': 'Connection',
};

const stepsFrFR: Record<`step.${WizardStep}`, string> = {
  'step.output': 'Format',
  'step.sales': 'Ventes',
  'step.taxRates': 'Taux de taxe',
  'step.payments': 'Paiements',
  'step.fees': 'Frais',
  'step.schedule': 'Calendrier',
  'step.review': 'Récapitulatif',
  'step.connection': 'Connexion',
};

/** The en-US catalog of `<SyncHealth>`; its keys type every other catalog. */
export const syncHealthEnUS = {
  title: 'Sync health',
  loading: 'Loading…',
  retry: 'Try again',
  none: 'None',
  yes: 'Yes',
  no: 'No',
  'error.title': 'Something went wrong',
  'error.unauthenticated':
    'Your support sign-in is missing or has expired. Sign in again as support staff.',
  'error.notFound': 'Nothing was found with this id. It may have been deleted.',
  'error.network': 'The server cannot be reached. Check the connection, then try again.',
  'error.generic': 'The request failed. Try again in a moment.',
  'totals.label': 'Companies by status',
  'totals.all': 'All companies',
  'health.healthy': 'Healthy',
  'health.failing': 'Failing',
  'health.disabled': 'Switched off after failures',
  'health.paused': 'Paused',
  'health.running': 'Syncing',
  'health.never_synced': 'Not synced yet',
  'health.not_configured': 'Not set up',
  'search.label': 'Find companies',
  'search.query': 'Company name, company ID or sync ID',
  'search.health': 'Status',
  'search.statusCode': 'Status code',
  'search.errorCode': 'Problem',
  'search.any': 'Any',
  'search.from': 'Synced from',
  'search.to': 'Synced to',
  'search.submit': 'Search',
  'results.caption': 'Companies ({count})',
  'results.empty': 'No company matches these filters.',
  'results.open': 'Open {name}',
  'col.name': 'Company',
  'col.status': 'Status',
  'col.lastSync': 'Last sync',
  'col.failingSince': 'Failing since',
  'col.problem': 'Latest problem',
  'col.started': 'Started',
  'col.period': 'Period',
  'col.result': 'Result',
  'col.code': 'Status code',
  'col.actions': 'Actions',
  'col.reference': 'Reference',
  'col.date': 'Day',
  'col.kind': 'Document',
  'col.amount': 'Amount',
  'col.attempts': 'Attempts',
  'col.error': 'Error',
  'col.event': 'Event',
  'col.endpoint': 'Endpoint',
  'col.delivery': 'Delivery',
  'col.response': 'Last response',
  'company.syncedThrough': 'Synced up to',
  'company.failingSince': 'Failing since',
  'company.timeZone': 'Time zone',
  'company.startDate': 'Start date',
  'company.accounting': 'Accounting platform',
  'company.commerce': 'Commerce source',
  'company.platform': '{name} ({status})',
  'config.view': 'View configuration',
  'config.hide': 'Hide configuration',
  'config.download': 'Download configuration (JSON)',
  'config.label': 'Configuration of {name}',
  'reenable.title': 'Turn syncing back on',
  'reenable.description':
    'Syncing was switched off after repeated failures. Scheduled syncs restart from the new start date; earlier days are skipped (a historic sync can still cover them).',
  'reenable.startDate': 'New start date',
  'reenable.submit': 'Re-enable syncing',
  'reenable.done': 'Syncing is on again from {date}.',
  'history.title': 'Sync history',
  'history.empty': 'No syncs yet.',
  'history.open': 'Details of sync {seq}',
  'state.running': 'Running',
  'state.succeeded': 'Succeeded',
  'state.failed': 'Failed',
  'sync.title': 'Sync {seq}',
  'sync.started': 'Started',
  'sync.period': 'Period',
  'sync.periodRange': '{start} to {end}',
  'sync.status': 'Status',
  'sync.merchantMessage': 'What the merchant sees',
  'sync.merchantServer': 'Message sent by the sync service',
  'sync.supportDetail': 'Support detail',
  'sync.code': 'Catalog code',
  'sync.step': 'Fixed at wizard step',
  'sync.retryable': 'Retries on its own',
  'sync.items': 'Documents ({count})',
  'sync.noItems': 'This sync wrote no documents.',
  'sync.retry': 'Retry failed items ({count})',
  'sync.noFailed': 'Every document of this sync is written.',
  'sync.retried': 'Retried {attempted} item(s): {written} written, {stillFailing} still failing.',
  'sync.back': 'Back to history',
  'item.Written': 'Written',
  'item.Failed': 'Failed',
  'item.Pending': 'Not written',
  'deliveries.title': 'Webhook deliveries',
  'deliveries.unavailable': 'Webhooks are not configured on this deployment.',
  'deliveries.empty': 'No webhook deliveries for this company.',
  'delivery.pending': 'Pending',
  'delivery.succeeded': 'Delivered',
  'delivery.failed': 'Failed',
  ...stepsEnUS,
  ...catalogEnUS,
};

/** A message key of `<SyncHealth>`. */
export type SyncHealthMessageKey = keyof typeof syncHealthEnUS;
/** A complete `<SyncHealth>` catalog. */
export type SyncHealthMessages = Record<SyncHealthMessageKey, string>;

/** The en-GB catalog of `<SyncHealth>` (dates and money differ through Intl). */
export const syncHealthEnGB: SyncHealthMessages = { ...syncHealthEnUS };

/** The fr-FR catalog of `<SyncHealth>`. */
export const syncHealthFrFR: SyncHealthMessages = {
  title: 'État des synchronisations',
  loading: 'Chargement…',
  retry: 'Réessayer',
  none: 'Aucun',
  yes: 'Oui',
  no: 'Non',
  'error.title': 'Une erreur est survenue',
  'error.unauthenticated':
    'Votre connexion support est absente ou a expiré. Reconnectez-vous en tant que membre du support.',
  'error.notFound': 'Rien ne correspond à cet identifiant. Il a peut-être été supprimé.',
  'error.network': 'Le serveur est injoignable. Vérifiez la connexion puis réessayez.',
  'error.generic': 'La requête a échoué. Réessayez dans un instant.',
  'totals.label': 'Entreprises par état',
  'totals.all': 'Toutes les entreprises',
  'health.healthy': 'En bonne santé',
  'health.failing': 'En échec',
  'health.disabled': 'Désactivée après des échecs',
  'health.paused': 'En pause',
  'health.running': 'Synchronisation en cours',
  'health.never_synced': 'Jamais synchronisée',
  'health.not_configured': 'Non configurée',
  'search.label': 'Rechercher des entreprises',
  'search.query': 'Nom ou identifiant de l’entreprise, ou identifiant de synchronisation',
  'search.health': 'État',
  'search.statusCode': 'Code d’état',
  'search.errorCode': 'Problème',
  'search.any': 'Tous',
  'search.from': 'Synchronisée du',
  'search.to': 'Synchronisée au',
  'search.submit': 'Rechercher',
  'results.caption': 'Entreprises ({count})',
  'results.empty': 'Aucune entreprise ne correspond à ces filtres.',
  'results.open': 'Ouvrir {name}',
  'col.name': 'Entreprise',
  'col.status': 'État',
  'col.lastSync': 'Dernière synchronisation',
  'col.failingSince': 'En échec depuis',
  'col.problem': 'Dernier problème',
  'col.started': 'Début',
  'col.period': 'Période',
  'col.result': 'Résultat',
  'col.code': 'Code d’état',
  'col.actions': 'Actions',
  'col.reference': 'Référence',
  'col.date': 'Jour',
  'col.kind': 'Document',
  'col.amount': 'Montant',
  'col.attempts': 'Tentatives',
  'col.error': 'Erreur',
  'col.event': 'Événement',
  'col.endpoint': 'Destination',
  'col.delivery': 'Livraison',
  'col.response': 'Dernière réponse',
  'company.syncedThrough': 'Synchronisée jusqu’au',
  'company.failingSince': 'En échec depuis',
  'company.timeZone': 'Fuseau horaire',
  'company.startDate': 'Date de début',
  'company.accounting': 'Logiciel comptable',
  'company.commerce': 'Source commerce',
  'company.platform': '{name} ({status})',
  'config.view': 'Afficher la configuration',
  'config.hide': 'Masquer la configuration',
  'config.download': 'Télécharger la configuration (JSON)',
  'config.label': 'Configuration de {name}',
  'reenable.title': 'Réactiver la synchronisation',
  'reenable.description':
    'La synchronisation a été désactivée après des échecs répétés. Les synchronisations planifiées reprennent à la nouvelle date de début ; les jours antérieurs sont ignorés (une synchronisation historique peut encore les couvrir).',
  'reenable.startDate': 'Nouvelle date de début',
  'reenable.submit': 'Réactiver la synchronisation',
  'reenable.done': 'La synchronisation est réactivée à partir du {date}.',
  'history.title': 'Historique des synchronisations',
  'history.empty': 'Aucune synchronisation pour l’instant.',
  'history.open': 'Détails de la synchronisation {seq}',
  'state.running': 'En cours',
  'state.succeeded': 'Réussie',
  'state.failed': 'Échouée',
  'sync.title': 'Synchronisation {seq}',
  'sync.started': 'Début',
  'sync.period': 'Période',
  'sync.periodRange': 'du {start} au {end}',
  'sync.status': 'État',
  'sync.merchantMessage': 'Ce que voit le commerçant',
  'sync.merchantServer': 'Message envoyé par le service de synchronisation',
  'sync.supportDetail': 'Détail pour le support',
  'sync.code': 'Code du catalogue',
  'sync.step': 'À corriger à l’étape',
  'sync.retryable': 'Réessaie automatiquement',
  'sync.items': 'Documents ({count})',
  'sync.noItems': 'Cette synchronisation n’a écrit aucun document.',
  'sync.retry': 'Réessayer les éléments en échec ({count})',
  'sync.noFailed': 'Tous les documents de cette synchronisation sont écrits.',
  'sync.retried':
    '{attempted} élément(s) réessayé(s) : {written} écrit(s), {stillFailing} toujours en échec.',
  'sync.back': 'Retour à l’historique',
  'item.Written': 'Écrit',
  'item.Failed': 'En échec',
  'item.Pending': 'Non écrit',
  'deliveries.title': 'Livraisons de webhooks',
  'deliveries.unavailable': 'Les webhooks ne sont pas configurés sur ce déploiement.',
  'deliveries.empty': 'Aucune livraison de webhook pour cette entreprise.',
  'delivery.pending': 'En attente',
  'delivery.succeeded': 'Livrée',
  'delivery.failed': 'Échouée',
  ...stepsFrFR,
  ...catalogFrFR,
};

/** `<SyncHealth>` catalogs by locale. */
export const SYNC_HEALTH_CATALOGS: Readonly<Record<SupportedLocale, SyncHealthMessages>> = {
  'en-US': syncHealthEnUS,
  'en-GB': syncHealthEnGB,
  'fr-FR': syncHealthFrFR,
};
