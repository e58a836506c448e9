import { createHash } from 'node:crypto';
import { z } from 'zod';
import { stmt, type Db } from './db.ts';
import { GENESIS_HASH } from './audit-hash.ts';
import type { AuditKey } from './audit-key.ts';
import { getSigningKey, signContentHash, verifyContentHash } from './certificates/signing.ts';

/**
 * A checkpoint: how long the audit log was and what its newest hash was at a
 * moment, signed with the installation's Ed25519 key (the certificates' key,
 * certificates/signing.ts). Kept away from the server (printed, mailed, on a
 * log host), it proves later that entries up to it existed: a log that is
 * shorter, or whose entry at that position differs, was cut or rewritten.
 */

export const CHECKPOINT_FORMAT = 'tilts-audit-checkpoint/1';

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));

const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  /** Entries in the log, the marker and any legacy entries included. */
  count: z.number().int().min(0),
  /** Id and hash of the newest entry (null and the genesis hash for an empty log). */
  headId: z.number().int().positive().nullable(),
  headHash: hex(64),
  at: z.iso.datetime(),
  /** The Ed25519 key that signed (certificates/signing.ts key id). */
  keyId: hex(16),
  /** The fingerprint of the audit key the log was chained with. */
  auditKeyId: hex(16),
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});

export type AuditCheckpoint = z.infer<typeof checkpointSchema>;

/** The signed content: every field but the signature, in a fixed order, hashed. */
function payloadHash(c: Omit<AuditCheckpoint, 'signature'>): string {
  const text = JSON.stringify([c.format, c.count, c.headId, c.headHash, c.at, c.keyId, c.auditKeyId]);
  return createHash('sha256').update(text).digest('hex');
}

/** The log's length and newest entry, read in one snapshot. */
export function auditHead(db: Db): { count: number; headId: number | null; headHash: string } {
  return db.transaction(() => {
    const head = stmt(db, 'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
    const count = stmt(db, 'SELECT count(*) FROM audit_log').pluck().get() as number;
    return { count, headId: head?.id ?? null, headHash: head?.hash ?? GENESIS_HASH };
  })();
}

/** Signs a checkpoint of the log as it is now. Verify the chain first: a checkpoint vouches for what it covers. */
export function signCheckpoint(db: Db, auditKey: AuditKey, now = new Date()): AuditCheckpoint {
  const content = {
    format: CHECKPOINT_FORMAT,
    ...auditHead(db),
    at: now.toISOString(),
    keyId: getSigningKey(db).keyId,
    auditKeyId: auditKey.id,
  } as const;
  return { ...content, signature: signContentHash(db, payloadHash(content)).signature };
}

/** True when the checkpoint was signed by this installation's key and not changed since. */
export function checkpointSignatureValid(db: Db, checkpoint: AuditCheckpoint): boolean {
  const { signature, ...content } = checkpoint;
  return verifyContentHash(db, payloadHash(content), signature, checkpoint.keyId);
}

/** The file's text: indented JSON, readable on paper. */
export function formatCheckpoint(checkpoint: AuditCheckpoint): string {
  return JSON.stringify(checkpoint, null, 2) + '\n';
}

export type ParsedCheckpoint = { ok: true; checkpoint: AuditCheckpoint } | { ok: false; code: 'notJson' | 'notCheckpoint' };

export function parseCheckpoint(text: string): ParsedCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'notJson' };
  }
  const parsed = checkpointSchema.safeParse(value);
  return parsed.success ? { ok: true, checkpoint: parsed.data } : { ok: false, code: 'notCheckpoint' };
}
