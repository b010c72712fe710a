import { fireEvent, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { Combobox, ConfigurationWizard, Field, buildSearchIndex, searchIndex } from '../../src/widget/index.js';
import { generateAccounts } from '../mocks/bff/index.js';
import { expectNoAxeViolations, mockBff, renderWidget, useMswServer } from './helpers.js';
import { choose } from './wizard-helpers.js';

useMswServer();

const options = generateAccounts(5000).map((a) => ({ value: a.id, label: a.name ?? a.id, detail: a.nominalCode ?? null }));

function AccountField() {
  const [value, setValue] = useState<string>('');
  return (
    <Field label="Sales account" description="Where sales are posted" required>
      {(control) => <Combobox {...control} options={options} value={value} onValueChange={setValue} listLabel="Sales account" />}
    </Field>
  );
}

describe('Combobox', { timeout: 30_000 }, () => {
  it('follows the ARIA 1.2 combobox pattern and caps what it renders with 5,000 accounts', async () => {
    const { user, container } = renderWidget(<AccountField />);
    const input = screen.getByRole('combobox', { name: 'Sales account' });
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect(input).toHaveAttribute('aria-autocomplete', 'list');
    expect(input).toHaveAccessibleDescription('Where sales are posted');
    await user.click(input);
    expect(input).toHaveAttribute('aria-expanded', 'true');
    const listbox = screen.getByRole('listbox', { name: 'Sales account' });
    expect(input).toHaveAttribute('aria-controls', listbox.id);
    expect(within(listbox).getAllByRole('option')).toHaveLength(30);
    expect(screen.getByText('Showing 30 of 5000 matches. Type to narrow the list.')).toBeInTheDocument();
    await expectNoAxeViolations(container);

    await user.keyboard('{ArrowDown}{ArrowDown}');
    const active = within(listbox).getAllByRole('option')[2]!;
    expect(input).toHaveAttribute('aria-activedescendant', active.id);
    expect(active).toHaveAttribute('aria-selected', 'true');

    // Filtering ignores case and accents ("cafe" finds "Café").
    await user.keyboard('cafe 49');
    const matches = within(listbox).getAllByRole('option');
    expect(matches.length).toBeGreaterThan(0);
    for (const option of matches) expect(option.textContent?.toLowerCase()).toMatch(/café.*49|49.*café/);
    await user.keyboard('{Enter}');
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect((input as HTMLInputElement).value).toBe(matches[0]!.querySelector('[data-part="combobox-option-label"]')!.textContent);

    await user.click(input);
    await user.keyboard('zzzz');
    expect(screen.getByText('No matches')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(input).toHaveAttribute('aria-expanded', 'false');
  });

  it('filters in one pass and counts every match', () => {
    const index = buildSearchIndex(options, (o) => `${o.label} ${o.detail ?? ''}`);
    const all = searchIndex(index, '', 30);
    expect(all).toMatchObject({ total: 5000 });
    expect(all.matches).toHaveLength(30);
    const sales = searchIndex(index, 'SALES', 1_000_000);
    expect(sales.total).toBe(options.filter((o) => o.label.toLowerCase().includes('sales') || (o.detail ?? '').includes('sales')).length);
  });
});

describe('unsaved changes', { timeout: 30_000 }, () => {
  it('asks the browser to confirm leaving the page while the wizard has unsaved changes', async () => {
    mockBff({ scenario: 'configured' });
    const { user } = renderWidget(<ConfigurationWizard defaultStep="sales" />);
    await screen.findByRole('heading', { name: 'Sales accounts', level: 3 });
    const clean = new Event('beforeunload', { cancelable: true });
    fireEvent(window, clean);
    expect(clean.defaultPrevented).toBe(false);
    await choose(user, 'Sales', 'Gratuities');
    const dirty = new Event('beforeunload', { cancelable: true });
    fireEvent(window, dirty);
    expect(dirty.defaultPrevented).toBe(true);
  });
});
