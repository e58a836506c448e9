import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { appendAudit, auditKey, describeAuditVerification, verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { checkpointSignatureValid, formatCheckpoint, parseCheckpoint, signCheckpoint, type AuditCheckpoint } from '../../../src/lib/server/audit-checkpoint.ts';
import { dailyCheckpointFile, startDailyCheckpoints, writeCheckpoint, writeDailyCheckpoint } from '../../../src/lib/server/audit-checkpoint-files.ts';
import { generateAuditKey, storeAuditKey } from '../../../src/lib/server/audit-key.ts';
import { getSigningKey } from '../../../src/lib/server/certificates/signing.ts';
import { openDatabase, type Db } from '../../../src/lib/server/db.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';
import { deleteNewest, forgeAndRechain } from '../../helpers/audit.ts';

/**
 * Signed checkpoints: the log's length and newest hash, signed with the
 * installation's Ed25519 key and kept elsewhere, so that cutting entries off
 * the end, or rewriting the log, is found later.
 */

let t: TestDb;
beforeEach(() => {
  t = createTestDb();
});
afterEach(() => t.cleanup());

const admin = { id: 1, label: 'anita.admin' };
const log = (db: Db, n: number) => {
  for (let i = 0; i < n; i++) appendAudit(db, { actor: admin, action: 'learner.update', details: { i } });
};
const NOON = new Date('2026-12-04T12:00:00.000Z');

describe('signing and reading a checkpoint', () => {
  test('records the count, the newest entry and both keys, and verifies', () => {
    log(t.db, 4);
    const head = t.db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string };
    const cp = signCheckpoint(t.db, auditKey(t.db), NOON);
    expect(cp).toMatchObject({ format: 'tilts-audit-checkpoint/1', count: 4, headId: head.id, headHash: head.hash, at: NOON.toISOString(), keyId: getSigningKey(t.db).keyId, auditKeyId: auditKey(t.db).id });
    expect(checkpointSignatureValid(t.db, cp)).toBe(true);
    expect(parseCheckpoint(formatCheckpoint(cp))).toEqual({ ok: true, checkpoint: cp });
    const result = verifyAuditChain(t.db, { checkpoint: cp });
    expect(result).toEqual({ ok: true, count: 4, checkpoint: { count: 4, at: NOON.toISOString() } });
    expect(describeAuditVerification(result)).toMatch(/intact: 4 entries.*checkpoint of 2026-12-04T12:00:00.000Z \(4 entries\) is contained unchanged/);
  });

  test('the log may grow after it', () => {
    log(t.db, 2);
    const cp = signCheckpoint(t.db, auditKey(t.db));
    log(t.db, 3);
    expect(verifyAuditChain(t.db, { checkpoint: cp })).toMatchObject({ ok: true, count: 5 });
  });

  test('a checkpoint of an empty log holds for any later log', () => {
    auditKey(t.db);
    const cp = signCheckpoint(t.db, auditKey(t.db));
    expect(cp).toMatchObject({ count: 0, headId: null, headHash: '0'.repeat(64) });
    log(t.db, 2);
    expect(verifyAuditChain(t.db, { checkpoint: cp })).toMatchObject({ ok: true, count: 2 });
  });

  test.each<[string, (cp: AuditCheckpoint) => AuditCheckpoint]>([
    ['a smaller count', (cp) => ({ ...cp, count: cp.count - 2 })],
    ['another head hash', (cp) => ({ ...cp, headHash: 'a'.repeat(64) })],
    ['another time', (cp) => ({ ...cp, at: '2026-01-01T00:00:00.000Z' })],
    ['another audit key id', (cp) => ({ ...cp, auditKeyId: 'f'.repeat(16) })],
    ['a signature of other bytes', (cp) => ({ ...cp, signature: Buffer.alloc(64, 7).toString('base64') })],
  ])('a checkpoint edited to %s has a bad signature', (_, edit) => {
    log(t.db, 4);
    const forged = edit(signCheckpoint(t.db, auditKey(t.db)));
    expect(checkpointSignatureValid(t.db, forged)).toBe(false);
    const result = verifyAuditChain(t.db, { checkpoint: forged });
    expect(result).toEqual({ ok: false, count: 4, reason: 'checkpointSignature' });
    expect(describeAuditVerification(result)).toMatch(/signature is not valid/);
  });

  test("another installation's checkpoint does not verify here", () => {
    const other = createTestDb();
    try {
      log(other.db, 1);
      const theirs = signCheckpoint(other.db, auditKey(other.db));
      log(t.db, 1);
      expect(verifyAuditChain(t.db, { checkpoint: theirs })).toMatchObject({ ok: false, reason: 'checkpointSignature' });
    } finally {
      other.cleanup();
    }
  });

  test.each([
    ['not JSON', '{"format":', 'notJson'],
    ['another JSON file', '{"name":"tilts"}', 'notCheckpoint'],
    ['a checkpoint missing its signature', JSON.stringify({ format: 'tilts-audit-checkpoint/1', count: 1, headId: 1, headHash: 'a'.repeat(64), at: NOON.toISOString(), keyId: 'a'.repeat(16), auditKeyId: 'b'.repeat(16) }), 'notCheckpoint'],
  ])('%s is not read as a checkpoint', (_, text, code) => {
    expect(parseCheckpoint(text)).toEqual({ ok: false, code });
  });
});

describe('what a checkpoint kept elsewhere catches', () => {
  let cp: AuditCheckpoint;
  beforeEach(() => {
    log(t.db, 6);
    cp = signCheckpoint(t.db, auditKey(t.db), NOON);
  });

  test('the newest entries deleted: fewer entries than the checkpoint recorded', () => {
    deleteNewest(t.db, 2);
    expect(verifyAuditChain(t.db)).toEqual({ ok: true, count: 4 }); // the chain alone cannot see it
    const result = verifyAuditChain(t.db, { checkpoint: cp });
    expect(result).toEqual({ ok: false, count: 4, reason: 'truncated', checkpointCount: 6, checkpointAt: NOON.toISOString() });
    expect(describeAuditVerification(result)).toBe(`Audit log TRUNCATED: it has 4 entries, but the checkpoint of ${NOON.toISOString()} recorded 6: entries were removed.`);
  });

  test('the newest entries deleted and new ones written since: the entry at the checkpoint is another', () => {
    deleteNewest(t.db, 2);
    log(t.db, 3);
    const result = verifyAuditChain(t.db, { checkpoint: cp });
    expect(result).toEqual({ ok: false, count: 6, brokenAt: cp.headId, reason: 'checkpointMismatch', checkpointAt: NOON.toISOString() });
    expect(describeAuditVerification(result)).toContain(`entry #${cp.headId} is not the entry the checkpoint`);
  });

  test('an edited entry, the log rechained with plain SHA-256', () => {
    forgeAndRechain(t.db, 3, { forged: true });
    expect(verifyAuditChain(t.db, { checkpoint: cp })).toMatchObject({ ok: false, reason: 'hash' });
  });

  test('a key file swapped for another key: named as the wrong key', () => {
    const file = auditKey(t.db).file;
    fs.rmSync(file);
    storeAuditKey(generateAuditKey(file));
    t.db.close();
    t.db = openDatabase(t.file);
    expect(verifyAuditChain(t.db, { checkpoint: cp })).toMatchObject({ ok: false, reason: 'wrongKey', expected: cp.auditKeyId });
  });

  test('a missing key file', () => {
    fs.rmSync(auditKey(t.db).file);
    t.db.close();
    t.db = openDatabase(t.file);
    expect(verifyAuditChain(t.db, { checkpoint: cp })).toMatchObject({ ok: false, reason: 'missingKey' });
  });
});

describe('checkpoint files', () => {
  test('are written whole, never over an existing file, and only for a log that verifies', () => {
    log(t.db, 2);
    const file = path.join(t.dir, 'out', 'cp.json');
    const written = writeCheckpoint(t.db, file);
    expect(written).toMatchObject({ ok: true, file });
    const text = fs.readFileSync(file, 'utf8');
    expect(parseCheckpoint(text)).toMatchObject({ ok: true, checkpoint: { count: 2 } });
    expect(writeCheckpoint(t.db, file)).toEqual({ ok: false, code: 'exists', file });
    expect(fs.readFileSync(file, 'utf8')).toBe(text);

    forgeAndRechain(t.db, 1, { forged: true });
    const other = path.join(t.dir, 'out', 'cp2.json');
    expect(writeCheckpoint(t.db, other)).toMatchObject({ ok: false, code: 'broken', verification: { reason: 'hash' } });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['cp.json']);
  });

  test('the daily one is written once per day, named by the date', () => {
    log(t.db, 1);
    const dir = path.join(t.dir, 'checkpoints');
    expect(writeDailyCheckpoint(t.db, dir, NOON)).toMatchObject({ ok: true, file: path.join(dir, 'audit-checkpoint-2026-12-04.json') });
    log(t.db, 1);
    expect(writeDailyCheckpoint(t.db, dir, new Date('2026-12-04T23:00:00.000Z'))).toMatchObject({ ok: false, code: 'exists' });
    expect(writeDailyCheckpoint(t.db, dir, new Date('2026-12-05T00:30:00.000Z'))).toMatchObject({ ok: true, checkpoint: { count: 2 } });
    expect(fs.readdirSync(dir).sort()).toEqual(['audit-checkpoint-2026-12-04.json', 'audit-checkpoint-2026-12-05.json']);
  });

  test("the server's timer writes today's file at once, and a folder it cannot write is reported, not thrown", async () => {
    log(t.db, 1);
    const dir = path.join(t.dir, 'daily');
    const messages = { log: vi.fn(), error: vi.fn() };
    const stop = startDailyCheckpoints(t.db, dir, messages);
    try {
      await vi.waitFor(() => expect(fs.existsSync(dailyCheckpointFile(dir))).toBe(true), { timeout: 30_000 });
      expect(messages.log).toHaveBeenCalledWith(expect.stringMatching(/^Audit checkpoint written to .*audit-checkpoint-/));
    } finally {
      stop();
    }
    const notAFolder = path.join(t.dir, 'plain-file');
    fs.writeFileSync(notAFolder, '');
    const failing = startDailyCheckpoints(t.db, notAFolder, messages);
    try {
      await vi.waitFor(() => expect(messages.error).toHaveBeenCalledWith(expect.stringMatching(/^Daily audit checkpoint in .*plain-file \(TILTS_AUDIT_CHECKPOINT_DIR\) failed: /)), { timeout: 30_000 });
    } finally {
      failing();
    }
  });
});
