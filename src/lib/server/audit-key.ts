import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config.ts';
import type { Db } from './db.ts';

/**
 * The audit chain's secret: 32 random bytes in a file OUTSIDE the database
 * (default `<data folder>/keys/audit.key`, or TILTS_AUDIT_KEY_FILE), so that
 * someone who can write the database but not read that file cannot compute
 * the hash of an edited entry. This module only reads and writes the file;
 * when a key may be created is decided in audit.ts, which knows the log.
 */

export const AUDIT_KEY_VARIABLE = 'TILTS_AUDIT_KEY_FILE';

export interface AuditKey {
  /** Where the key was read from (or ':memory:' for an in-memory database). */
  file: string;
  secret: Buffer;
  /** A public fingerprint of the key (16 hex digits), recorded in checkpoints; reveals nothing of the key. */
  id: string;
}

export type AuditKeyProblem = 'missing' | 'invalid' | 'upgradePending';

/** A key that cannot be used; the message is one line naming the file and the variable. */
export class AuditKeyError extends Error {
  readonly code: AuditKeyProblem;
  readonly file: string;
  constructor(code: AuditKeyProblem, file: string) {
    super(auditKeyMessage(code, file));
    this.name = 'AuditKeyError';
    this.code = code;
    this.file = file;
  }
}

export function auditKeyMessage(code: AuditKeyProblem, file: string): string {
  switch (code) {
    case 'missing':
      return `The audit key file ${file} is missing, but the audit log already has entries chained with it: restore keys/audit.key from the backup of the data folder, or set ${AUDIT_KEY_VARIABLE} to where the key is (a new key would leave every entry unverifiable).`;
    case 'invalid':
      return `The audit key file ${file} is not a Tilts audit key (64 hex digits expected): restore it from the backup of the data folder, or set ${AUDIT_KEY_VARIABLE} to the right file.`;
    case 'upgradePending':
      return `The audit log has entries from before the keyed chain and no key file at ${file} yet: start the server once (npm start) to create the key, then retry.`;
  }
}

/** Where the key of the database `db` lives: TILTS_AUDIT_KEY_FILE, else `keys/audit.key` beside the database file. */
export function auditKeyFile(db: Db, env: NodeJS.ProcessEnv = process.env): string {
  return loadConfig(env).auditKeyFile ?? path.join(path.dirname(path.resolve(db.name)), 'keys', 'audit.key');
}

function keyOf(file: string, secret: Buffer): AuditKey {
  return { file, secret, id: createHmac('sha256', secret).update('tilts-audit-key-id').digest('hex').slice(0, 16) };
}

/** A new random key, not yet stored anywhere. */
export function generateAuditKey(file: string): AuditKey {
  return keyOf(file, randomBytes(32));
}

/** The key in `file`, or null when there is no such file. A file that is not a key throws. */
export function readAuditKeyFile(file: string): AuditKey | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AuditKeyError('invalid', file);
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new AuditKeyError('invalid', file);
  return keyOf(file, Buffer.from(hex, 'hex'));
}

/**
 * Stores `key` at its file, readable by the owner only (0600, folder 0700).
 * Written to a temporary file, flushed, then hard-linked into place: the key
 * file appears whole or not at all, and never replaces an existing one (two
 * processes racing on a new installation: the loser reads the winner's key).
 */
export function storeAuditKey(key: AuditKey): AuditKey {
  fs.mkdirSync(path.dirname(key.file), { recursive: true, mode: 0o700 });
  const temp = `${key.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, key.secret.toString('hex') + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, key.file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return readAuditKeyFile(key.file)!;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return key;
}
