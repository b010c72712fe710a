import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM encryption of secrets at rest (connection tokens). Ciphertext format:
 * `v1.<iv b64url>.<tag b64url>.<data b64url>`.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/** Key used only when the service runs in tests or dev mode with no key given. Never for production data. */
export const DEV_ENCRYPTION_KEY = 'ZGV2LW9ubHkta2V5LWNvbW1lcmNlLXN5bmMtMzJieXQ';

/** Parses a 32-byte key given as 64 hex characters or base64/base64url. */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64url');
  if (key.length !== 32) {
    throw new Error(
      'COMMERCE_SYNC_ENCRYPTION_KEY must be 32 random bytes as 64 hex characters or base64 ' +
        '(generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))").',
    );
  }
  return key;
}

/** Builds a {@link SecretBox} from a key (see {@link parseEncryptionKey}). */
export function createSecretBox(keyText: string): SecretBox {
  const key = parseEncryptionKey(keyText);
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unrecognised ciphertext format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
