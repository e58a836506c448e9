import { createHash, createHmac } from 'node:crypto';
import type { AuditKey } from './audit-key.ts';

/**
 * How one audit entry is hashed. Entries are HMAC-SHA-256 under the audit
 * key (audit-key.ts), each chained to the hash of the one before. Entries
 * written before the key existed keep their plain SHA-256 ("legacy") hashes;
 * the keyed chain starts at a marker entry whose keyed hash covers the last
 * legacy hash, so the legacy part cannot be rewritten unnoticed either.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** The action of the marker entry where the keyed chain takes over from a legacy chain. */
export const KEYED_CHAIN_MARKER = 'audit.chainKeyed';

export interface AuditRow {
  id: number;
  at: string;
  actor_user_id: number | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  facility_id: number | null;
  ip: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export type HashedFields = Omit<AuditRow, 'id' | 'prev_hash' | 'hash'>;

/** The entry's fields in a fixed order, chained to the previous hash. */
function canonical(prevHash: string, row: HashedFields): string {
  return JSON.stringify([
    prevHash,
    row.at,
    row.actor_user_id,
    row.actor_label,
    row.action,
    row.target_type,
    row.target_id,
    row.facility_id,
    row.ip,
    row.details,
  ]);
}

/** The keyed hash of one entry (HMAC-SHA-256, hex). */
export function entryHash(prevHash: string, row: HashedFields, key: AuditKey): string {
  return createHmac('sha256', key.secret).update(canonical(prevHash, row)).digest('hex');
}

/** The hash entries had before the keyed chain (plain SHA-256, hex): anyone can compute it. */
export function legacyEntryHash(prevHash: string, row: HashedFields): string {
  return createHash('sha256').update(canonical(prevHash, row)).digest('hex');
}
