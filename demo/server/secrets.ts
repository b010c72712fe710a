import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The demo's secrets. They are generated on first run into the data folder (mode 0600) so a
 * restarted demo can still read the tokens it stored, and each can be overridden from the
 * environment. Nothing secret is ever sent to the browser.
 */
export const DemoSecretsSchema = z.object({
  /** The partner's API key for the sync service (`Authorization: Basic base64(key)`). */
  syncApiKey: z.string().min(16),
  /** Key the sync service encrypts platform tokens with at rest. */
  tokenEncryptionKey: z.string().min(32),
  /** Signs the partner's demo sign-in cookie. */
  sessionSecret: z.string().min(16),
  /** Signs the BFF's OAuth state and session tokens. */
  bffSecret: z.string().min(32),
});
export type DemoSecrets = z.infer<typeof DemoSecretsSchema>;

const ENV_NAMES: Record<keyof DemoSecrets, string> = {
  syncApiKey: 'COMMERCE_SYNC_API_KEY',
  tokenEncryptionKey: 'COMMERCE_SYNC_ENCRYPTION_KEY',
  sessionSecret: 'DEMO_SESSION_SECRET',
  bffSecret: 'COMMERCE_SYNC_BFF_SECRET',
};

/** Reads `secrets.json` from `dataDir` (creating it on first run), then applies env overrides. */
export function loadDemoSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): DemoSecrets {
  const file = join(dataDir, 'secrets.json');
  let stored: DemoSecrets;
  if (existsSync(file)) {
    const parsed = DemoSecretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      throw new Error(`${file} is not a valid demo secrets file. Delete it (the demo makes a new one, and existing connections must be authorised again).`);
    }
    stored = parsed.data;
  } else {
    stored = {
      syncApiKey: `demo_${randomBytes(24).toString('base64url')}`,
      tokenEncryptionKey: randomBytes(32).toString('hex'),
      sessionSecret: randomBytes(24).toString('base64url'),
      bffSecret: randomBytes(48).toString('base64url'),
    };
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  const merged = { ...stored };
  for (const key of Object.keys(ENV_NAMES) as (keyof DemoSecrets)[]) {
    const value = env[ENV_NAMES[key]];
    if (value) merged[key] = value;
  }
  const result = DemoSecretsSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue ? ENV_NAMES[issue.path[0] as keyof DemoSecrets] : 'a secret';
    throw new Error(`${name} is too short: ${issue?.message ?? 'invalid'}. Use a longer random value, or unset it to use the generated one.`);
  }
  return result.data;
}
