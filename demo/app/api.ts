import type { z } from 'zod';
import { PartnerErrorSchema } from '../shared/partner-api.js';

/** An error from the partner server, with the message to show. */
export class PartnerApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'PartnerApiError';
  }
}

/** Calls a partner route and parses the reply with its schema. */
export async function partnerFetch<T extends z.ZodType>(
  path: string,
  schema: T,
  init: { method?: string; body?: unknown } = {},
): Promise<z.infer<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new PartnerApiError('The dashboard cannot reach its server. Check that the demo is still running.', 0, 'network');
  }
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = PartnerErrorSchema.safeParse(body);
    throw new PartnerApiError(
      error.success ? error.data.error : `The server answered ${response.status}. Try again.`,
      response.status,
      error.success ? error.data.code : 'http_error',
    );
  }
  return schema.parse(body);
}
