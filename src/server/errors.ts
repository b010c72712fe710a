import type { z } from 'zod';
import type { ErrorEnvelope, FieldError } from '../contract/errors.js';

/** A failure the HTTP layer turns into the error envelope (src/contract/errors.ts). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly validation?: FieldError[],
    readonly canBeRetried: 'Unknown' | 'Yes' | 'No' = 'No',
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 404 for a missing company (or other resource). */
export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, 'not_found', `No ${what} with id "${id}" exists. Check the id, or list ${what === 'company' ? 'companies' : `${what}s`} to find it.`);
}

/** Converts zod issues to field errors with dot paths prefixed by `prefix`. */
export function zodFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return { itemId: path || '(body)', message: issue.message, validatorName: issue.code };
  });
}

/** Parses `input` with `schema` or throws a 400 listing every field problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string, prefix = ''): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = zodFieldErrors(result.error, prefix);
  const first = errors[0];
  throw new HttpError(
    400,
    'validation_failed',
    `The ${what} is not valid: ${first ? `${first.itemId}: ${first.message}` : 'check the fields'}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}.`,
    errors,
  );
}

/** Builds the envelope for an error; 5xx bodies carry no internals. */
export function errorEnvelope(error: unknown, correlationId: string): ErrorEnvelope {
  if (error instanceof HttpError) {
    return {
      statusCode: error.status,
      code: error.code,
      error: error.message,
      service: 'commerce-sync',
      correlationId,
      canBeRetried: error.canBeRetried,
      ...(error.validation ? { validation: { errors: error.validation, warnings: [] } } : {}),
    };
  }
  return {
    statusCode: 500,
    code: 'internal_error',
    error: 'Something went wrong on our side. Try again; if it keeps happening, contact support with the correlation id.',
    service: 'commerce-sync',
    correlationId,
    canBeRetried: 'Yes',
  };
}
