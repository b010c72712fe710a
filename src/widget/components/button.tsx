'use client';
import type { ButtonHTMLAttributes } from 'react';
import { forwardRef } from 'react';

/** Props of {@link Button}. */
export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** Visual variant, exposed as `data-variant`. */
  variant?: 'primary' | 'secondary' | 'danger' | 'link';
  /** Shows the busy state (`data-pending`, `aria-busy`) and blocks clicks. */
  pending?: boolean;
}

/**
 * The widget's button: `data-part="button"`, `data-variant`, and a `data-pending` busy state.
 *
 * @example
 * <Button variant="danger" pending={remove.isPending} onClick={confirm}>Delete</Button>
 */
export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = 'secondary', pending = false, type = 'button', disabled, onClick, ...rest },
  ref,
) {
  return (
    <button
      ref={ref}
      type={type}
      data-part="button"
      data-variant={variant}
      data-pending={pending ? '' : undefined}
      aria-busy={pending || undefined}
      aria-disabled={pending || undefined}
      disabled={disabled}
      // Stays focusable while pending (aria-disabled) so focus is not lost mid-action.
      onClick={pending ? (event) => event.preventDefault() : onClick}
      {...rest}
    />
  );
});
