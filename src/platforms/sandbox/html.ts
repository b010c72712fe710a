import { randomBytes } from 'node:crypto';

/**
 * HTML helpers of the sandbox's pages: escaping, the page shell with its stylesheet, and the
 * security headers every page carries.
 */

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; }
body { margin: 0; background: #f4f5f7; color: #1b1f24; }
body > header { background: #12344d; color: #fff; padding: 0.75rem 1.5rem; }
header p { margin: 0; font-weight: 600; }
header .hint { color: #dbe6f0; font-weight: 400; }
main { max-width: 60rem; margin: 1.5rem auto; padding: 1.5rem; background: #fff; border-radius: 0.5rem; }
h1 { font-size: 1.5rem; margin-top: 0; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
fieldset { border: 1px solid #8a939d; border-radius: 0.375rem; margin: 0 0 1rem; padding: 0.75rem 1rem; }
fieldset fieldset { margin: 0.75rem 0 0; }
legend { font-weight: 600; padding: 0 0.25rem; }
.choice { display: flex; gap: 0.5rem; align-items: center; margin: 0.25rem 0; }
.field { display: grid; gap: 0.25rem; margin: 0.75rem 0; }
input[type="text"] { font: inherit; padding: 0.5rem; border: 1px solid #5c6670; border-radius: 0.25rem; max-width: 24rem; }
.hint { color: #4a535c; margin: 0; font-size: 0.9rem; }
.actions { display: flex; gap: 0.75rem; margin-top: 1.5rem; }
button { font: inherit; padding: 0.5rem 1.25rem; border-radius: 0.25rem; border: 2px solid #12344d; cursor: pointer; }
button[value="allow"] { background: #12344d; color: #fff; }
button[value="deny"] { background: #fff; color: #12344d; }
:focus-visible { outline: 3px solid #c2410c; outline-offset: 2px; }
.error { color: #a4161a; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border-bottom: 1px solid #d0d5da; padding: 0.375rem 0.5rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot th, tfoot td { border-top: 2px solid #1b1f24; font-weight: 600; }
a { color: #0b5cad; }
code { font-size: 0.85em; word-break: break-all; }
`;

/** A rendered page plus the nonce its stylesheet was tagged with. */
export interface Page {
  html: string;
  nonce: string;
}

/** Wraps body HTML (already escaped) in an accessible page shell. */
export function renderPage(title: string, body: string): Page {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header><p>Sandbox ledger <span class="hint">(local developer sandbox)</span></p></header>
<main id="main">
${body}
</main>
</body>
</html>`;
  return { html, nonce };
}

/** Builds an HTML response with CSP (no scripts at all), frame denial and no caching. */
export function htmlResponse(
  page: Page,
  status = 200,
  formActionOrigins: readonly string[] = [],
): Response {
  const formAction = ["'self'", ...formActionOrigins].join(' ');
  return new Response(page.html, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${page.nonce}'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    },
  });
}

/** Builds a JSON response with the same protective headers as the pages. */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      ...headers,
    },
  });
}

/** A simple error page: a heading and one escaped paragraph. */
export function errorPage(status: number, title: string, message: string): Response {
  return htmlResponse(
    renderPage(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`),
    status,
  );
}
