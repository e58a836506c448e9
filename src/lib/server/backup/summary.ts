import type { Db } from '../db.ts';
import path from 'node:path';
import { describeAuditVerification, verifyAuditChain } from '../audit.ts';
import { AuditKeyError, readAuditKeyFile, type AuditKey } from '../audit-key.ts';

/** What a backup holds, as counted from its database (never taken from the manifest on trust). */
export interface BackupSummary {
  learners: number;
  certificates: number;
  auditEntries: number;
  h5pActivities: number;
}

export function summarizeDatabase(db: Db): BackupSummary {
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    learners: count('learner'),
    certificates: count('certificate'),
    auditEntries: count('audit_log'),
    h5pActivities: count('h5p_content'),
  };
}

export type AuditCheck = { ok: true; entries: number } | { ok: false; problem: string };

/**
 * The audit chain of a restored database, checked before it is put in place.
 * The ONLY call of the audit module's verification in backup and restore:
 * when verification needs more (a key file of the data folder), adapt it here
 * (`dataDir` is the restored folder, with its keys/).
 */
export function checkAuditChain(db: Db, dataDir: string): AuditCheck {
  // The archive's own key (keys/audit.key in the restored folder) verifies its log; a key kept
  // elsewhere (TILTS_AUDIT_KEY_FILE) is read the usual way when the archive carries none.
  let key: AuditKey | null | undefined;
  try {
    key = readAuditKeyFile(path.join(dataDir, 'keys', 'audit.key')) ?? undefined;
  } catch (e) {
    if (!(e instanceof AuditKeyError)) throw e;
    return { ok: false, problem: e.message };
  }
  const result = verifyAuditChain(db, key === undefined ? {} : { key });
  if (result.ok) return { ok: true, entries: result.count };
  return { ok: false, problem: describeAuditVerification(result) };
}

export function formatSummary(s: BackupSummary, files: number): string {
  return `${s.learners} learners, ${s.certificates} certificates, ${s.auditEntries} audit entries, ${s.h5pActivities} H5P activities, ${files} files of the data folder`;
}
