import { z } from 'zod';

/** A CSS colour the page may apply: hex, rgb()/rgba() or hsl()/hsla(); nothing that could carry another declaration. */
const CssColorSchema = z
  .string()
  .max(64)
  .regex(/^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/]+\))$/, 'a colour must be #rgb, #rrggbb, rgb(…) or hsl(…).');

/** Colours of the hosted page, in the widget's appearance names (`--cs-color-*`). */
export const HostedFlowColorsSchema = z
  .object({
    primary: CssColorSchema,
    primaryFg: CssColorSchema,
    background: CssColorSchema,
    foreground: CssColorSchema,
    muted: CssColorSchema,
    mutedFg: CssColorSchema,
    border: CssColorSchema,
    focus: CssColorSchema,
  })
  .partial()
  .strict();

/**
 * The partner's branding on the hosted Sync Flow page: `name` shown beside "Accounting sync"
 * and in the title, `logoUrl` (https, a path on this service, or a base64 `data:image/…` URL) shown with the name as its
 * text alternative, colours and a font stack applied to the page and the widget. Set once per
 * deployment (`hostedFlow.branding` or env `COMMERCE_SYNC_FLOW_BRANDING`, JSON).
 */
export const HostedFlowBrandingSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    logoUrl: z
      .string()
      .max(65_536)
      .refine(
        (u) => (u.length <= 2000 && (/^https:\/\/[^\s]+$/.test(u) || /^\/[^/\\\s][^\s]*$/.test(u))) || /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(u),
        'logoUrl must be an https URL, a path on this service, or a base64 data:image URL (64 KB at most).',
      )
      .optional(),
    colors: HostedFlowColorsSchema.optional(),
    fontFamily: z.string().max(200).regex(/^[\w\s,'"-]+$/, 'fontFamily must be a font stack such as "Inter, system-ui, sans-serif".').optional(),
  })
  .strict();
/** The partner's branding on the hosted page. */
export type HostedFlowBranding = z.infer<typeof HostedFlowBrandingSchema>;

/** `GET /sync-flow/context`: what the hosted page needs before it renders the widget. */
export const HostedFlowContextSchema = z.object({
  /** BCP 47 locale: the start URL's `locale`, else the browser's Accept-Language, else en-US. */
  locale: z.string(),
  /** Whether the flow returns to a partner `redirectUrl` when it ends. */
  canReturn: z.boolean(),
  branding: HostedFlowBrandingSchema.nullable(),
  /** The start operation's `accountingKey`: the page opens at its consent while nothing is connected. */
  platform: z.object({ key: z.string(), name: z.string() }).nullable(),
  /** The partner's UI-text overrides for this locale, keyed by widget message key. */
  messages: z.record(z.string(), z.string()),
  /** Visible account rows per platform key (null: all rows). */
  visibleAccounts: z.record(z.string(), z.array(z.string()).nullable()),
});
/** The hosted page's context. */
export type HostedFlowContext = z.infer<typeof HostedFlowContextSchema>;
