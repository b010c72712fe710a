import { AUTHORIZATION_MESSAGE_TYPE, REQUEST_ID_HEADER } from '../contract/bff.js';
import type { AuthorizationMessage, AuthorizationResult } from '../contract/bff.js';
import { randomId } from './signing.js';

const TEXT: Record<AuthorizationResult['outcome'], { title: string; body: string }> = {
  connected: { title: 'Connected', body: 'Your accounting platform is connected. You can close this window.' },
  denied: { title: 'Not connected', body: 'You did not allow access, so nothing was connected. You can close this window and try again.' },
  error: { title: 'Not connected', body: 'The connection could not be completed. Close this window and start again from the settings page.' },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * The page the popup lands on after consent: it posts the result to `window.opener` with the
 * exact partner origin as target origin (so no other page can read it) and closes itself. When
 * the page has no opener (the popup was turned into a tab), it offers a link back instead.
 * The Content-Security-Policy allows only this page's own nonce'd script and style.
 */
export function callbackPage(options: {
  result: AuthorizationResult;
  /** Exact origin of the partner page that opened the popup. */
  targetOrigin: string;
  /** Where the "back" link points when there is no opener. */
  returnTo: string;
  requestId: string;
  status?: number;
}): Response {
  const nonce = randomId(16);
  const message: AuthorizationMessage = { type: AUTHORIZATION_MESSAGE_TYPE, result: options.result };
  const text = TEXT[options.result.outcome];
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(text.title)}</title>
<style nonce="${nonce}">body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;color:#1a1a1a}main{max-width:28rem;padding:1.5rem;text-align:center}a{color:#0b57d0}</style>
</head>
<body>
<main>
<h1>${escapeHtml(text.title)}</h1>
<p>${escapeHtml(text.body)}</p>
<p><a href="${escapeHtml(options.returnTo)}">Back to settings</a></p>
</main>
<script nonce="${nonce}">
(function () {
  var message = ${scriptJson(message)};
  var origin = ${scriptJson(options.targetOrigin)};
  if (window.opener && !window.opener.closed) {
    window.opener.postMessage(message, origin);
    // Let the opener receive the message before it can see this window closed: Chromium may
    // report "closed" to the opener before a message posted just before close() is delivered.
    setTimeout(function () { window.close(); }, 400);
  }
})();
</script>
</body>
</html>`;
  const headers = new Headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    [REQUEST_ID_HEADER]: options.requestId,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    // The opener must stay reachable for postMessage, hence not `same-origin`.
    'cross-origin-opener-policy': 'unsafe-none',
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "img-src 'none'",
      "connect-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  });
  return new Response(html, { status: options.status ?? 200, headers });
}
