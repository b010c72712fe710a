import { z } from 'zod';

/** One field-level validation problem. `field` is a dot path into the request body. */
export const FieldErrorSchema = z.object({
  field: z.string(),
  code: z.string(),
  message: z.string(),
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
  validation: z.array(FieldErrorSchema).optional(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;
