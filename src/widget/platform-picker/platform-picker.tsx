'use client';
import type { KeyboardEvent } from 'react';
import { useId, useMemo, useRef, useState } from 'react';
import type { Platform } from '../../contract/bff.js';
import { usePlatforms } from '../api/hooks.js';
import { ErrorState, Loading } from '../components/status-views.js';
import { buildSearchIndex, searchIndex } from '../components/normalize.js';
import { useCommerceSyncContext } from '../provider/provider.js';

/** Props of {@link PlatformPicker}. */
export interface PlatformPickerProps {
  /** The chosen platform key (controlled). */
  value?: string | null;
  defaultValue?: string | null;
  /** Fires when the merchant chooses a platform (click, Enter or Space). */
  onValueChange?: (platformKey: string, platform: Platform) => void;
}

/** The logo of a platform: square branding first, then the full logo, then `logoUrl`. */
export function platformLogo(platform: Platform): string | null {
  return platform.branding?.logo?.square?.src ?? platform.branding?.logo?.full?.src ?? platform.logoUrl ?? null;
}

/**
 * A searchable, keyboard-friendly list of accounting platforms (listbox semantics: arrow keys,
 * Home/End, Enter/Space to choose, typing filters).
 *
 * @example
 * <PlatformPicker onValueChange={(key) => setPlatform(key)} />
 */
export function PlatformPicker({ value, defaultValue = null, onValueChange }: PlatformPickerProps) {
  const { t, emit } = useCommerceSyncContext('PlatformPicker');
  const platforms = usePlatforms();
  const [query, setQuery] = useState('');
  const [innerValue, setInnerValue] = useState<string | null>(defaultValue);
  const selected = value !== undefined ? value : innerValue;
  const [focusIndex, setFocusIndex] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const baseId = `cs-picker${useId().replace(/:/g, '')}`;

  const list = platforms.data?.platforms;
  const index = useMemo(() => buildSearchIndex(list ?? [], (p) => `${p.name} ${p.key}`), [list]);
  const { matches } = useMemo(() => searchIndex(index, query, Number.POSITIVE_INFINITY), [index, query]);
  const current = Math.min(focusIndex, Math.max(matches.length - 1, 0));

  if (platforms.isPending) return <Loading />;
  if (platforms.error) return <ErrorState report error={platforms.error} onRetry={() => void platforms.refetch()} />;

  function focusOption(i: number) {
    setFocusIndex(i);
    listRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus();
  }

  function choose(platform: Platform) {
    setInnerValue(platform.key);
    emit('platform_selected', { platformKey: platform.key });
    onValueChange?.(platform.key, platform);
  }

  function onListKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const last = matches.length - 1;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      focusOption(Math.min(current + 1, last));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (current === 0) searchRef.current?.focus();
      else focusOption(current - 1);
    } else if (event.key === 'Home') {
      event.preventDefault();
      focusOption(0);
    } else if (event.key === 'End') {
      event.preventDefault();
      focusOption(last);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const platform = matches[current];
      if (platform) choose(platform);
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // Type-to-filter: printable keys go to the search box, which keeps filtering.
      event.preventDefault();
      setQuery((q) => q + event.key);
      setFocusIndex(0);
      searchRef.current?.focus();
    }
  }

  return (
    <section data-part="platform-picker" aria-labelledby={`${baseId}-title`}>
      <h2 data-part="heading" id={`${baseId}-title`}>
        {t('picker.title')}
      </h2>
      <p data-part="description">{t('picker.description')}</p>
      {list && list.length === 0 ? (
        <p data-part="empty" role="status">
          {t('picker.noneAvailable')}
        </p>
      ) : (
        <>
          <label data-part="label" htmlFor={`${baseId}-search`}>
            {t('picker.searchLabel')}
          </label>
          <input
            ref={searchRef}
            id={`${baseId}-search`}
            type="search"
            data-part="search"
            aria-controls={`${baseId}-list`}
            placeholder={t('picker.searchPlaceholder')}
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setFocusIndex(0);
            }}
            onKeyDown={(event) => {
              if (event.key === 'ArrowDown' && matches.length > 0) {
                event.preventDefault();
                focusOption(0);
              } else if (event.key === 'Enter' && matches.length === 1) {
                event.preventDefault();
                choose(matches[0]!);
              }
            }}
          />
          {matches.length === 0 ? (
            <p data-part="empty" role="status">
              {t('picker.empty', { query })}
            </p>
          ) : null}
          <ul ref={listRef} id={`${baseId}-list`} role="listbox" aria-label={t('picker.listLabel')} data-part="platform-list" hidden={matches.length === 0} onKeyDown={onListKeyDown}>
            {matches.map((platform, i) => {
              const logo = platformLogo(platform);
              return (
                // eslint-disable-next-line jsx-a11y/click-events-have-key-events -- keys are handled on the listbox
                <li
                  key={platform.key}
                  role="option"
                  data-index={i}
                  tabIndex={i === current ? 0 : -1}
                  aria-selected={platform.key === selected}
                  data-part="platform-option"
                  data-state={platform.key === selected ? 'checked' : 'unchecked'}
                  onClick={() => choose(platform)}
                  onFocus={() => setFocusIndex(i)}
                >
                  {logo ? <img data-part="platform-logo" src={logo} alt="" width={32} height={32} /> : <span data-part="platform-logo" aria-hidden="true" />}
                  <span data-part="platform-name">{platform.name}</span>
                  {platform.isBeta ? <span data-part="badge" data-state="beta">{t('picker.beta')}</span> : null}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
