import { screen, within } from '@testing-library/react';
import type userEvent from '@testing-library/user-event';
import { expect } from 'vitest';

type User = ReturnType<typeof userEvent.setup>;

/** Picks an option in a combobox by typing part of its label and pressing Enter. */
export async function choose(user: User, label: string | RegExp, search: string): Promise<void> {
  const input = screen.getByRole('combobox', { name: label });
  await user.click(input);
  await user.clear(input);
  await user.type(input, search, { skipClick: true });
  const listbox = screen.getByRole('listbox', { name: label });
  expect(within(listbox).getAllByRole('option')[0]).toHaveTextContent(search);
  await user.keyboard('{Enter}');
}

/** Clicks Next and waits for the heading of the following step. */
export async function next(user: User, heading: string): Promise<void> {
  await user.click(screen.getByRole('button', { name: 'Next' }));
  expect(await screen.findByRole('heading', { name: heading, level: 3 })).toBeInTheDocument();
}

/** Fills every step of a fresh (unconfigured) mock configuration with the mouse. */
export async function fillWizard(user: User): Promise<void> {
  await user.click(screen.getByRole('radio', { name: 'One journal a day' }));
  await next(user, 'Sales accounts');
  await choose(user, 'Sales', 'Sales');
  await choose(user, 'Refunds', 'Refunds');
  await next(user, 'Tax rates');
  await choose(user, 'Sales at 20%', 'Standard 20%');
  await choose(user, 'Sales at 5%', 'Reduced 5%');
  await next(user, 'Payments');
  await choose(user, 'Card payments', 'Card clearing');
  await choose(user, 'Cash payments', 'Cash clearing');
  await choose(user, 'Payouts', 'Business bank');
  await next(user, 'Fees');
  await user.click(screen.getByRole('checkbox', { name: 'Post payment fees' }));
  // Journal mode: fees are journal lines, so there is no fee supplier to choose.
  await choose(user, 'Payment fees', 'Payment processing fees');
  await choose(user, 'Payment fee refunds', 'Payment fee refunds');
  await next(user, 'Schedule');
}
