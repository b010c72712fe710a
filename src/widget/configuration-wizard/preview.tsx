'use client';
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo } from 'react';
import type { Control } from 'react-hook-form';
import { useWatch } from 'react-hook-form';
import type { ConfigurationView } from '../../contract/bff.js';
import { previewDifference } from '../../contract/preview-difference.js';
import type { PreviewDocument, PreviewLine, SyncPreview } from '../../contract/preview.js';
import { previewQuery } from '../api/query-keys.js';
import { Button } from '../components/button.js';
import type { MessageKey } from '../i18n/index.js';
import { useCommerceSyncContext } from '../provider/provider.js';
import type { SelectRow, WizardValues } from './model.js';
import { toConfiguration } from './model.js';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;
type Money = (minor: number, currency: string) => string;

/** The currency an example day is shown in, from the ledger's country (the merchant has sent nothing yet). */
const COUNTRY_CURRENCY: Readonly<Record<string, string>> = { GB: 'GBP', CA: 'CAD', US: 'USD', FR: 'EUR', IE: 'EUR', DE: 'EUR', AU: 'AUD', NZ: 'NZD' };

const accountLabel = (line: PreviewLine) => (line.accountCode ? `${line.accountCode} ${line.accountName}` : line.accountName);

/** One previewed document as a table: debits and credits, or net and tax. */
function DocumentTable({ document, t, money }: { document: PreviewDocument; t: Translate; money: Money }) {
  const signed = document.lineStyle === 'signed';
  const sum = (pick: (l: PreviewLine) => number) => document.lines.reduce((total, line) => total + pick(line), 0);
  const amount = (minor: number) => (minor === 0 ? '' : money(minor, document.currency));
  return (
    // A table wider than a phone scrolls inside this region, which keyboard users must reach (WCAG 2.1.1).
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div data-part="preview-scroll" tabIndex={0} role="region" aria-label={t(`wizard.preview.kind.${document.kind}` as MessageKey)}>
      <table data-part="preview-document" data-kind={document.kind}>
        <caption>
          {t(`wizard.preview.kind.${document.kind}` as MessageKey)} · {money(document.total, document.currency)}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('wizard.review.account')}</th>
            <th scope="col">{t('wizard.preview.line')}</th>
            <th scope="col" data-part="amount">{signed ? t('wizard.preview.debit') : t('wizard.preview.net')}</th>
            <th scope="col" data-part="amount">{signed ? t('wizard.preview.credit') : t('wizard.preview.tax')}</th>
          </tr>
        </thead>
        <tbody>
          {document.lines.map((line, i) => (
            <tr key={`${i}-${line.accountId}`} data-role={line.role}>
              <th scope="row">{accountLabel(line)}</th>
              <td>{line.taxRateName ? `${line.description} (${line.taxRateName})` : line.description}</td>
              <td data-part="amount">{signed ? amount(Math.max(line.amount, 0)) : amount(line.amount)}</td>
              <td data-part="amount">{signed ? amount(Math.max(-line.amount, 0)) : amount(line.taxAmount ?? 0)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>{t('wizard.preview.total')}</th>
            <td data-part="amount">{money(signed ? sum((l) => Math.max(l.amount, 0)) : sum((l) => l.amount), document.currency)}</td>
            <td data-part="amount">{money(signed ? sum((l) => Math.max(-l.amount, 0)) : sum((l) => l.taxAmount ?? 0), document.currency)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** The day's documents, or the example day when the merchant has sent nothing yet. */
function PreviewBody({ preview, platform, country, t, money, date }: { preview: SyncPreview; platform: string; country: string; t: Translate; money: Money; date: (iso: string) => string }) {
  const difference = useMemo(() => previewDifference(preview.documents, preview.posted), [preview]);
  if (!preview.date) {
    const currency = COUNTRY_CURRENCY[country] ?? 'USD';
    const line = (accountName: string, description: string, role: string, amount: number): PreviewLine => ({ accountId: role, accountName, accountCode: null, description, role, amount, taxAmount: null, taxRateName: null });
    // Domain brief's example day: cash 12.50 Dr; sales 10.00, tips 0.50, tax 2.00 Cr.
    const example: PreviewDocument = {
      reference: 'example', kind: 'journal', date: '2026-01-01', currency, memo: '', lineStyle: 'signed', total: 1250,
      lines: [
        line(t('wizard.preview.example.cash'), t('wizard.preview.example.cashLine'), 'payment', 1250),
        line(t('wizard.preview.example.sales'), t('wizard.preview.example.salesLine'), 'sales', -1000),
        line(t('wizard.preview.example.tips'), t('wizard.preview.example.tipsLine'), 'gratuity', -50),
        line(t('wizard.preview.example.tax'), t('wizard.preview.example.taxLine'), 'tax', -200),
      ],
    };
    return (
      <>
        <p data-part="preview-intro" data-state="example">{t('wizard.preview.noData', { platform })}</p>
        <DocumentTable document={example} t={t} money={money} />
      </>
    );
  }
  return (
    <>
      <p data-part="preview-intro">{t('wizard.preview.intro', { date: date(preview.date), platform })}</p>
      {preview.dayOpen ? <p data-part="preview-note">{t('wizard.preview.dayOpen')}</p> : null}
      {preview.problems.length > 0 ? (
        <ul data-part="preview-problems">
          {preview.problems.map((p, i) => <li key={`${i}-${p.code}`}>{p.message}</li>)}
        </ul>
      ) : null}
      {preview.documents.length === 0 && preview.problems.length === 0 ? <p data-part="preview-note">{t('wizard.preview.nothing')}</p> : null}
      {preview.documents.map((d) => <DocumentTable key={d.reference} document={d} t={t} money={money} />)}
      {preview.posted.length > 0 ? (
        difference.length === 0 ? (
          <p data-part="preview-difference" data-state="same">{t('wizard.preview.same', { date: date(preview.date) })}</p>
        ) : (
          // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- scrolls at 390 px; keyboard users must reach it
          <div data-part="preview-scroll" tabIndex={0} role="region" aria-label={t('wizard.preview.changed', { date: date(preview.date) })}>
            <table data-part="preview-difference" data-state="changed">
              <caption>{t('wizard.preview.changed', { date: date(preview.date) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('wizard.review.account')}</th>
                  <th scope="col" data-part="amount">{t('wizard.preview.before')}</th>
                  <th scope="col" data-part="amount">{t('wizard.preview.after')}</th>
                </tr>
              </thead>
              <tbody>
                {difference.map((row) => (
                  <tr key={`${row.currency}|${row.accountId}`}>
                    <th scope="row">{row.accountName}</th>
                    <td data-part="amount">{money(row.before, row.currency)}</td>
                    <td data-part="amount">{money(row.after, row.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p data-part="preview-note">{t('wizard.preview.signs')}</p>
          </div>
        )
      ) : null}
    </>
  );
}

/**
 * The Review step's preview: what the unsaved settings would post for the merchant's most recent
 * day with data (the sync service's dry run through the BFF), in the merchant's currency and language.
 */
export function PostingPreview({ control, rows, configuration, platform }: { control: Control<WizardValues>; rows: readonly SelectRow[]; configuration: ConfigurationView; platform: string }) {
  const { t, format, client, locale } = useCommerceSyncContext('PostingPreview');
  // The ledger's country, else the region of the merchant's language (en-GB → GB), for the example day's currency.
  const country = configuration.configuration?.countryCode ?? locale.split('-')[1]?.toUpperCase() ?? '';
  const values = useWatch({ control }) as WizardValues;
  const body = useMemo(() => toConfiguration(values, rows, configuration).body, [values, rows, configuration]);
  const query = useQuery(previewQuery(client, body));
  const headingId = `cs-preview${useId().replace(/:/g, '')}`;
  return (
    <section data-part="preview" aria-labelledby={headingId} aria-busy={query.isPending || undefined}>
      <h4 data-part="preview-title" id={headingId}>{t('wizard.preview.title')}</h4>
      {query.isPending ? (
        <p data-part="preview-note" role="status">{t('wizard.preview.loading')}</p>
      ) : query.error ? (
        <p data-part="preview-note" data-state="error">
          {t('wizard.preview.failed')}{' '}
          <Button variant="link" onClick={() => void query.refetch()}>{t('common.retry')}</Button>
        </p>
      ) : (
        <PreviewBody preview={query.data} platform={platform} country={country} t={t} money={format.money} date={format.date} />
      )}
    </section>
  );
}
