import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db.ts';
import { auditKey } from './audit.ts';
import { verifyAuditChain, type ChainVerification } from './audit-chain.ts';
import { formatCheckpoint, signCheckpoint, type AuditCheckpoint } from './audit-checkpoint.ts';

/**
 * Checkpoints as files: `npm run audit:checkpoint -- <file>` and the server's
 * daily one (TILTS_AUDIT_CHECKPOINT_DIR). A checkpoint is signed only over a
 * log that verifies, and a file appears whole or not at all.
 */

export type CheckpointWrite =
  | { ok: true; file: string; checkpoint: AuditCheckpoint }
  | { ok: false; code: 'exists'; file: string }
  | { ok: false; code: 'broken'; verification: Extract<ChainVerification, { ok: false }> };

/**
 * Writes `text` to `file` through a temporary file in the same folder,
 * flushed, then hard-linked into place: never a partial file, and never over
 * an existing one (EEXIST is returned as false).
 */
export function writeNewFileAtomically(file: string, text: string): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(temp, 'wx', 0o640);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(temp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Verifies the log and, when intact, writes a signed checkpoint of it to `file` (a new file). */
export function writeCheckpoint(db: Db, file: string, now = new Date()): CheckpointWrite {
  const target = path.resolve(file);
  if (fs.existsSync(target)) return { ok: false, code: 'exists', file: target };
  const key = auditKey(db);
  const verification = verifyAuditChain(db, { key });
  if (!verification.ok) return { ok: false, code: 'broken', verification };
  const checkpoint = signCheckpoint(db, key, now);
  if (!writeNewFileAtomically(target, formatCheckpoint(checkpoint))) return { ok: false, code: 'exists', file: target };
  return { ok: true, file: target, checkpoint };
}

/** The daily file's name: one per UTC day. */
export function dailyCheckpointFile(dir: string, now = new Date()): string {
  return path.join(dir, `audit-checkpoint-${now.toISOString().slice(0, 10)}.json`);
}

/** Writes today's checkpoint into `dir` unless it is there already. */
export function writeDailyCheckpoint(db: Db, dir: string, now = new Date()): CheckpointWrite {
  return writeCheckpoint(db, dailyCheckpointFile(dir, now), now);
}

export const DAILY_CHECK_INTERVAL_MS = 60 * 60_000;

/**
 * The server's daily checkpoint: now, then once an hour, write today's file
 * if it is missing. A failure is logged (once per distinct message) and tried
 * again the next hour; it never stops the server. Returns a stop function.
 */
export function startDailyCheckpoints(db: Db, dir: string, log: Pick<Console, 'log' | 'error'> = console): () => void {
  let lastError = '';
  const tick = () => {
    try {
      const result = writeDailyCheckpoint(db, dir);
      if (result.ok) log.log(`Audit checkpoint written to ${result.file} (${result.checkpoint.count} entries).`);
      else if (result.code === 'broken') throw new Error(`audit log does not verify (${result.verification.reason}); no checkpoint signed`);
      lastError = '';
    } catch (e) {
      const message = `Daily audit checkpoint in ${dir} (TILTS_AUDIT_CHECKPOINT_DIR) failed: ${(e as Error).message}`;
      if (message !== lastError) log.error(message);
      lastError = message;
    }
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, DAILY_CHECK_INTERVAL_MS);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
