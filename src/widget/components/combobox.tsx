'use client';
import type { FocusEvent, KeyboardEvent, Ref } from 'react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useCommerceSyncContext } from '../provider/provider.js';
import { buildSearchIndex, searchIndex } from './normalize.js';

/** One choice of a {@link Combobox}. */
export interface ComboboxOption {
  value: string;
  label: string;
  /** Secondary text (e.g. nominal code, account type), also searched. */
  detail?: string | null;
}

/** Props of {@link Combobox}. */
export interface ComboboxProps {
  id: string;
  options: readonly ComboboxOption[];
  value: string | null | undefined;
  onValueChange: (value: string) => void;
  onBlur?: (event: FocusEvent<HTMLInputElement>) => void;
  name?: string;
  placeholder?: string;
  disabled?: boolean;
  /** Most options rendered at once; the rest are reached by typing. Default 30. */
  maxRendered?: number;
  inputRef?: Ref<HTMLInputElement>;
  /** Accessible name of the popup list (usually the field label). */
  listLabel?: string;
  /**
   * For optional choices: the accessible name of a button that clears the choice (e.g. "Clear
   * Gratuity"). Shown while a value is chosen; clearing calls `onValueChange('')`.
   */
  clearLabel?: string;
  'aria-describedby'?: string | undefined;
  'aria-invalid'?: boolean | undefined;
  'aria-required'?: boolean | undefined;
}

/**
 * A searchable select following the ARIA 1.2 combobox pattern (input `role="combobox"`, a
 * `listbox` popup, `aria-activedescendant`). Labels are normalised once; each keystroke filters
 * in one pass and renders at most `maxRendered` options, so 5,000 accounts stay responsive.
 *
 * @example
 * <Combobox id="sales" options={accounts} value={value} onValueChange={setValue} />
 */
export function Combobox(props: ComboboxProps) {
  const { id, options, value, onValueChange, onBlur, name, placeholder, disabled, maxRendered = 30, inputRef } = props;
  const { t } = useCommerceSyncContext('Combobox');
  const listboxId = `${id}-listbox`;
  const hintId = `${id}-hint`;
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const instance = useId().replace(/:/g, '');

  const index = useMemo(() => buildSearchIndex(options, (o) => `${o.label} ${o.detail ?? ''}`), [options]);
  const { matches, total } = useMemo(() => searchIndex(index, query, maxRendered), [index, query, maxRendered]);
  const selected = useMemo(() => options.find((o) => o.value === value) ?? null, [options, value]);

  const optionId = (i: number) => `${id}-${instance}-option-${i}`;
  const activeIndex = Math.min(active, Math.max(matches.length - 1, 0));

  useEffect(() => {
    if (!open) return;
    const element = listRef.current?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`);
    element?.scrollIntoView?.({ block: 'nearest' });
  }, [open, activeIndex]);

  function openList(startAt?: number) {
    setOpen(true);
    if (startAt !== undefined) setActive(startAt);
    else {
      const current = matches.findIndex((o) => o.value === value);
      setActive(current >= 0 ? current : 0);
    }
  }

  function choose(option: ComboboxOption) {
    onValueChange(option.value);
    setOpen(false);
    setQuery('');
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) openList();
        else setActive(Math.min(activeIndex + 1, matches.length - 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (!open) openList();
        else setActive(Math.max(activeIndex - 1, 0));
        break;
      case 'Home':
        if (open) {
          event.preventDefault();
          setActive(0);
        }
        break;
      case 'End':
        if (open) {
          event.preventDefault();
          setActive(Math.max(matches.length - 1, 0));
        }
        break;
      case 'Enter': {
        const option = matches[activeIndex];
        if (open && option) {
          event.preventDefault();
          choose(option);
        }
        break;
      }
      case 'Escape':
        if (open) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          setQuery('');
        }
        break;
      case 'Tab':
        setOpen(false);
        setQuery('');
        break;
      default:
        break;
    }
  }

  const showHint = open && (total === 0 || total > matches.length);
  const describedBy = [props['aria-describedby'], showHint ? hintId : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <div data-part="combobox" data-state={open ? 'open' : 'closed'}>
      <input
        ref={inputRef}
        id={id}
        name={name}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listboxId}
        aria-activedescendant={open && matches[activeIndex] ? optionId(activeIndex) : undefined}
        aria-describedby={describedBy}
        aria-invalid={props['aria-invalid']}
        aria-required={props['aria-required']}
        data-part="combobox-input"
        placeholder={placeholder ?? t('combobox.placeholder')}
        disabled={disabled}
        value={open ? query : (selected?.label ?? '')}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onClick={() => (open ? setOpen(false) : openList())}
        onKeyDown={onKeyDown}
        onBlur={(event) => {
          setOpen(false);
          setQuery('');
          onBlur?.(event);
        }}
      />
      <ul ref={listRef} id={listboxId} role="listbox" aria-label={props.listLabel} data-part="combobox-listbox" hidden={!open}>
        {open
          ? matches.map((option, i) => (
              // Options are reached with aria-activedescendant from the input, which handles the keys.
              // Keyed by position: each keystroke then updates the rendered rows in place instead of
              // removing and creating DOM nodes (options hold no state of their own).
              // eslint-disable-next-line jsx-a11y/click-events-have-key-events
              <li
                key={i}
                id={optionId(i)}
                role="option"
                data-index={i}
                aria-selected={i === activeIndex}
                data-part="combobox-option"
                data-state={option.value === value ? 'checked' : 'unchecked'}
                data-highlighted={i === activeIndex ? '' : undefined}
                // mousedown would blur the input and close the list before the click lands.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => choose(option)}
              >
                <span data-part="combobox-option-label">{option.label}</span>
                {option.detail ? <span data-part="combobox-option-detail">{option.detail}</span> : null}
              </li>
            ))
          : null}
      </ul>
      {props.clearLabel && selected && !disabled ? (
        <button
          type="button"
          data-part="combobox-clear"
          aria-label={props.clearLabel}
          title={props.clearLabel}
          onClick={(event) => {
            onValueChange('');
            setOpen(false);
            setQuery('');
            // Back to the input, so the keyboard user can choose again at once.
            event.currentTarget.parentElement?.querySelector<HTMLInputElement>('[role="combobox"]')?.focus();
          }}
        >
          <span aria-hidden="true">×</span>
        </button>
      ) : null}
      {showHint ? (
        <p id={hintId} data-part="combobox-hint" role="status">
          {total === 0 ? t('combobox.noMatches') : t('combobox.more', { shown: matches.length, total })}
        </p>
      ) : null}
    </div>
  );
}
