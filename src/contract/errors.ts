import { z } from 'zod';

/**
 * One field-level validation problem, in Codat's `errorValidationItem` shape: `itemId` is the
 * dot path of the field in the request body (e.g.
 * `configuration.payments.accounts.card.selectedAccountId`), `validatorName` a stable rule code.
 */
export const FieldErrorSchema = z.object({
  itemId: z.string(),
  message: z.string(),
  validatorName: z.string(),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/**
 * The error body every HTTP surface (sync service, BFF) returns. Compatible with Codat's
 * `ErrorMessage` (`statusCode`, `service`, `error`, `correlationId`, `canBeRetried`) and adds a
 * stable `code` and per-field `validation` errors. 5xx bodies never carry internals.
 */
export const ErrorEnvelopeSchema = z.object({
  statusCode: z.number().int(),
  /** Stable machine-readable code, e.g. `validation_failed`, `not_found`, `push_in_progress`. */
  code: z.string(),
  /** Human-readable message saying what to fix. */
  error: z.string(),
  service: z.string().optional(),
  correlationId: z.string(),
  canBeRetried: z.enum(['Unknown', 'Yes', 'No']).optional(),
  validation: z
    .object({ errors: z.array(FieldErrorSchema), warnings: z.array(FieldErrorSchema).default([]) })
    .optional(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;
