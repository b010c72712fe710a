import type { Locator, Page } from 'playwright-core';

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, as a keyboard user would, and fails when
 * it is not reached within `max` presses (unreachable by keyboard is a bug).
 */
export async function tabTo(page: Page, target: Locator, options: { max?: number; backwards?: boolean } = {}): Promise<void> {
  const max = options.max ?? 60;
  await target.waitFor({ state: 'visible' });
  for (let i = 0; i < max; i += 1) {
    if (await isFocused(target)) return;
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
  }
  if (await isFocused(target)) return;
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 60)}"` : 'nothing';
  });
  throw new Error(`Could not reach ${target.toString()} with ${max} Tab presses; focus is on ${focused}.`);
}

/** Whether the element has keyboard focus. */
export function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)).catch(() => false);
}

/** Tabs to `target` and activates it with `key` (Enter by default). */
export async function activate(page: Page, target: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press(key === 'Space' ? ' ' : 'Enter');
}

/**
 * Whether a visible focus indicator is drawn for the focused element: an outline or box-shadow
 * on it, or on a close ancestor that draws the ring for it (e.g. a card around a radio).
 */
export function hasVisibleFocus(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    let el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return false;
    for (let depth = 0; el && depth < 3; depth += 1, el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) return true;
      if (depth === 0 && style.boxShadow !== 'none' && style.boxShadow !== '') return true;
    }
    return false;
  });
}

/**
 * Types an ISO date into a focused `<input type="date">` with the keyboard. The segment order
 * follows the browser's UI locale, not the page's, so it is detected first: ArrowUp on the first
 * segment changes either the month or the day of the current value (then ArrowDown restores it).
 */
export async function typeDate(page: Page, input: Locator, iso: string): Promise<void> {
  await tabTo(page, input);
  const [year, month, day] = iso.split('-') as [string, string, string];
  let monthFirst = true;
  const before = await input.inputValue();
  if (before) {
    await page.keyboard.press('ArrowUp');
    const after = await input.inputValue();
    await page.keyboard.press('ArrowDown');
    monthFirst = after.slice(5, 7) !== before.slice(5, 7);
  }
  await page.keyboard.type(monthFirst ? `${month}${day}${year}` : `${day}${month}${year}`);
  const value = await input.inputValue();
  if (value !== iso) throw new Error(`Typing ${iso} into the date field gave "${value}".`);
}
