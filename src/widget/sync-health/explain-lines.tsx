'use client';
import type { ReactNode } from 'react';
import { useId, useState } from 'react';
import type { SupportPushItem } from '../../contract/support.js';
import { Button } from '../components/button.js';
import { useSupportDocumentLines, type useSyncHealthI18n } from './hooks.js';

type I18n = Pick<ReturnType<typeof useSyncHealthI18n>, 't' | 'format'>;

/** Records named per line before "and N more" (the route lists up to 200). */
const SHOWN_RECORDS = 20;

/**
 * One push item's row in the documents table plus, once opened, a row below it explaining each
 * of the document's lines with the records behind it ("explain this line"). The lines are
 * fetched only when opened. The toggle is a disclosure button (`aria-expanded`,
 * `aria-controls`); its accessible name includes the document reference.
 */
export function PushItemRows({
  i18n,
  companyId,
  item,
  columns,
  cells,
}: {
  i18n: I18n;
  companyId: string;
  item: SupportPushItem;
  columns: number;
  cells: ReactNode;
}) {
  const { t } = i18n;
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const written = item.status === 'Written';
  return (
    <>
      <tr data-part="push-item" data-state={item.status.toLowerCase()}>
        {cells}
        <td>
          {written ? (
            <Button
              variant="link"
              aria-expanded={open}
              aria-controls={open ? panelId : undefined}
              aria-label={t(open ? 'explain.close' : 'explain.open', { reference: item.reference })}
              data-part="explain-toggle"
              data-state={open ? 'open' : 'closed'}
              onClick={() => setOpen((v) => !v)}
            >
              {open ? t('explain.hide') : t('explain.show')}
            </Button>
          ) : (
            t('none')
          )}
        </td>
      </tr>
      {open ? (
        <tr data-part="explain-row">
          <td colSpan={columns} id={panelId}>
            <ExplainLines i18n={i18n} companyId={companyId} item={item} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function ExplainLines({
  i18n,
  companyId,
  item,
}: {
  i18n: I18n;
  companyId: string;
  item: SupportPushItem;
}) {
  const { t, format } = i18n;
  const lines = useSupportDocumentLines(companyId, item.reference);
  if (lines.isPending) {
    return (
      <div data-part="loading" role="status">
        {t('loading')}
      </div>
    );
  }
  if (lines.error) {
    return (
      <div data-part="error-state" role="alert">
        <p data-part="error-message">{t('error.generic')}</p>
        <Button onClick={() => void lines.refetch()}>{t('retry')}</Button>
      </div>
    );
  }
  const d = lines.data;
  const money = (minor: number) => format.money(minor, d.currency);
  return (
    <table data-part="explain-lines">
      <caption>{t('explain.caption', { reference: d.reference })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('explain.account')}</th>
          <th scope="col">{t('explain.description')}</th>
          <th scope="col">{t('explain.amount')}</th>
          <th scope="col">{t('explain.tax')}</th>
          <th scope="col">{t('explain.records')}</th>
        </tr>
      </thead>
      <tbody>
        {d.lines.map((line) => (
          <tr key={line.index} data-part="explain-line">
            <th scope="row">
              <code>{line.accountId}</code>
            </th>
            <td lang="en">{line.description}</td>
            <td>{money(line.amount)}</td>
            <td>{line.taxAmount === null ? t('none') : money(line.taxAmount)}</td>
            <td>
              {line.records.length === 0 ? (
                t('none')
              ) : (
                <ul data-part="explain-records">
                  {line.records.slice(0, SHOWN_RECORDS).map((r) => (
                    <li key={`${r.dataType}:${r.id}`}>
                      <code>{r.id}</code> {money(r.amount)}
                    </li>
                  ))}
                </ul>
              )}
              {line.recordCount > SHOWN_RECORDS ? (
                <p data-part="explain-more">
                  {t('explain.more', { count: line.recordCount - SHOWN_RECORDS })}
                </p>
              ) : null}
              {line.unexplained !== 0 ? (
                <p data-part="explain-unexplained">
                  {t('explain.unexplained', { amount: money(line.unexplained) })}
                </p>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
