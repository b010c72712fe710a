import { z } from 'zod';

/**
 * Wire shapes of the demo partner server's own routes (`/api/partner/*`): sign-in, simulated
 * sales, sync now and the ledger view. The commerce-sync routes under `/api/commerce-sync` use
 * the BFF contract in `src/contract/bff.ts`.
 */

/** A merchant a visitor can sign in as. */
export const DemoMerchantSchema = z.object({
  id: z.string(),
  name: z.string(),
  city: z.string(),
  country: z.string(),
  currency: z.string(),
  timeZone: z.string(),
  locale: z.string(),
  ledgerTemplate: z.enum(['uk', 'us', 'ca']),
  taxNote: z.string(),
});
export type DemoMerchantView = z.infer<typeof DemoMerchantSchema>;

export const MerchantListSchema = z.object({ merchants: z.array(DemoMerchantSchema) });

export const SignInRequestSchema = z.object({ merchantId: z.string().min(1, 'Choose a merchant to sign in as.') });

/** `GET /api/partner/session`: the signed-in merchant, or null when signed out. */
export const SessionSchema = z.object({ merchant: DemoMerchantSchema.nullable() });

/** `POST /api/partner/session`: the merchant just signed in. */
export const SignedInSchema = z.object({ merchant: DemoMerchantSchema });
export type Session = z.infer<typeof SessionSchema>;
export type SignedIn = z.infer<typeof SignedInSchema>;

/** `POST /api/partner/simulate`: push generated sales for the last `days` merchant-local days. */
export const SimulateRequestSchema = z.object({
  days: z
    .number({ message: 'Enter a number of days.' })
    .int('Enter a whole number of days.')
    .min(1, 'Simulate at least 1 day.')
    .max(31, 'Simulate at most 31 days at a time.'),
});
export type SimulateRequest = z.infer<typeof SimulateRequestSchema>;

export const SimulateResultSchema = z.object({
  companyId: z.string(),
  /** Merchant-local period the records fall in: start inclusive, end exclusive. */
  period: z.object({ start: z.string(), end: z.string() }),
  pushed: z.object({ orders: z.number().int(), payments: z.number().int(), transactions: z.number().int() }),
  /** Seed of the generator run, so a run can be reproduced. */
  seed: z.number().int(),
});
export type SimulateResult = z.infer<typeof SimulateResultSchema>;

/** `POST /api/partner/sync-now`: the sync the service started. */
export const SyncNowResultSchema = z.object({
  companyId: z.string(),
  syncId: z.string().nullish(),
  status: z.string().nullish(),
});
export type SyncNowResult = z.infer<typeof SyncNowResultSchema>;

/** One posting of a posted document: a debit or a credit on one account, in minor units. */
const LedgerPostingSchema = z.object({
  accountId: z.string(),
  accountCode: z.string(),
  accountName: z.string(),
  description: z.string(),
  debit: z.number().int(),
  credit: z.number().int(),
});
export type LedgerPosting = z.infer<typeof LedgerPostingSchema>;

/** A document the ledger holds, with the double-entry postings it made. */
const LedgerDocumentSchema = z.object({
  id: z.string(),
  kind: z.string(),
  date: z.string(),
  reference: z.string(),
  memo: z.string(),
  currency: z.string(),
  /** Document total in minor units (sum of net and tax; the amount for payments and transfers). */
  total: z.number().int(),
  postings: z.array(LedgerPostingSchema),
});
export type LedgerDocument = z.infer<typeof LedgerDocumentSchema>;

const TrialBalanceRowSchema = z.object({
  accountId: z.string(),
  accountCode: z.string(),
  accountName: z.string(),
  /** Minor units. */
  debit: z.number().int(),
  credit: z.number().int(),
});
export type TrialBalanceRow = z.infer<typeof TrialBalanceRowSchema>;

/** One currency's trial balance (the sandbox does no FX conversion, so each currency balances on its own). */
const TrialBalanceSectionSchema = z.object({ currency: z.string(), rows: z.array(TrialBalanceRowSchema) });
export type TrialBalanceSection = z.infer<typeof TrialBalanceSectionSchema>;

/** `GET /api/partner/ledger`: what the merchant's sandbox ledger received. */
export const LedgerViewSchema = z.discriminatedUnion('connected', [
  /** No linked sandbox connection. */
  z.object({ connected: z.literal(false) }),
  z.object({
    connected: z.literal(true),
    /** The ledger the merchant's documents were posted to; null until the first document lands. */
    ledger: z.object({ id: z.string(), name: z.string(), currency: z.string() }).nullable(),
    /** This merchant's documents, newest day first. */
    documents: z.array(LedgerDocumentSchema),
    /** Base currency first, then each other currency documents were posted in. */
    trialBalance: z.array(TrialBalanceSectionSchema),
  }),
]);
export type LedgerView = z.infer<typeof LedgerViewSchema>;

/** A support agent a visitor can sign in as on the Support page. */
export const SupportAgentSchema = z.object({ id: z.string(), name: z.string(), team: z.string() });
export type SupportAgentView = z.infer<typeof SupportAgentSchema>;

export const SupportAgentListSchema = z.object({ agents: z.array(SupportAgentSchema) });

export const SupportSignInRequestSchema = z.object({ agentId: z.string().min(1, 'Choose a support agent to sign in as.') });

/** `GET /api/partner/support/session`: the signed-in support agent, or null. */
export const SupportSessionSchema = z.object({ agent: SupportAgentSchema.nullable() });
export type SupportSession = z.infer<typeof SupportSessionSchema>;

/** `POST /api/partner/support/session`: the agent just signed in. */
export const SupportSignedInSchema = z.object({ agent: SupportAgentSchema });
export type SupportSignedIn = z.infer<typeof SupportSignedInSchema>;

/** `POST /api/partner/support/token`: a short-lived support-staff token for the support BFF routes. */
export const SupportTokenSchema = z.object({ token: z.string(), expiresAt: z.string() });
export type SupportToken = z.infer<typeof SupportTokenSchema>;

/** Error body of the partner routes. */
export const PartnerErrorSchema = z.object({ error: z.string(), code: z.string() });
export type PartnerError = z.infer<typeof PartnerErrorSchema>;
