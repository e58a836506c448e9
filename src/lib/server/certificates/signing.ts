import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { stmt, type Db } from '../db.ts';

/**
 * The installation's certificate signing key: one Ed25519 key pair, made on
 * first use and kept (private key, PKCS#8 DER) in app_secret, so a restored
 * backup keeps signing and verifying with the same key. Certificates carry
 * the key id, so a later key rotation can tell which key signed what.
 */

export const SIGNING_KEY_NAME = 'certificate-signing-key';

export interface SigningKey {
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const cache = new WeakMap<Db, SigningKey>();

/** The key id of a public key: first 16 hex digits of the SHA-256 of its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** The installation's key pair, created and stored on first use. */
export function getSigningKey(db: Db): SigningKey {
  const cached = cache.get(db);
  if (cached) return cached;
  const select = () => stmt(db, 'SELECT value FROM app_secret WHERE name = ?').pluck().get(SIGNING_KEY_NAME) as Buffer | undefined;
  let der = select();
  if (!der) {
    const { privateKey } = generateKeyPairSync('ed25519');
    // INSERT OR IGNORE then read back: if two processes race, both use the winner's key.
    stmt(db, 'INSERT OR IGNORE INTO app_secret (name, value, created_at) VALUES (?, ?, ?)').run(
      SIGNING_KEY_NAME,
      privateKey.export({ type: 'pkcs8', format: 'der' }),
      new Date().toISOString(),
    );
    der = select()!;
  }
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const key = { keyId: keyIdOf(publicKey), privateKey, publicKey };
  cache.set(db, key);
  return key;
}

/** Signs a content hash (its hex text): `{ signature (base64), keyId }`. */
export function signContentHash(db: Db, contentHash: string): { signature: string; keyId: string } {
  const key = getSigningKey(db);
  return { signature: sign(null, Buffer.from(contentHash, 'utf8'), key.privateKey).toString('base64'), keyId: key.keyId };
}

/**
 * True when `signature` is this installation's signature over `contentHash`.
 * A key id other than the installation's is false: this installation cannot
 * vouch for documents it did not sign.
 */
export function verifyContentHash(db: Db, contentHash: string, signature: string, keyId: string): boolean {
  const key = getSigningKey(db);
  if (keyId !== key.keyId) return false;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64) return false;
  return verify(null, Buffer.from(contentHash, 'utf8'), key.publicKey, bytes);
}

/** The public key as PEM (SPKI), for documentation and for verifying outside the platform. */
export function signingPublicKeyPem(db: Db): string {
  return getSigningKey(db).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
