import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { appendAudit, auditKey, describeAuditVerification, KEYED_CHAIN_MARKER, listAudit, verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { GENESIS_HASH, legacyEntryHash, type AuditRow } from '../../../src/lib/server/audit-hash.ts';
import { AuditKeyError, generateAuditKey, storeAuditKey } from '../../../src/lib/server/audit-key.ts';
import { entryHash } from '../../../src/lib/server/audit-hash.ts';
import { openDatabase, type Db } from '../../../src/lib/server/db.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';
import { aroundAuditTriggers, forgeAndRechain, rechain } from '../../helpers/audit.ts';

/**
 * The keyed chain: the audit log's hashes need a key that lives in a file
 * beside (not in) the database, so someone who can write the database cannot
 * make an edited entry verify again.
 */

let t: TestDb;
beforeEach(() => {
  t = createTestDb();
});
afterEach(() => {
  vi.unstubAllEnvs();
  t.cleanup();
});

const admin = { id: 1, label: 'anita.admin' };
const log = (db: Db, n: number, from = 0) => {
  for (let i = from; i < from + n; i++) appendAudit(db, { actor: admin, action: 'learner.update', targetType: 'learner', targetId: i, details: { i } });
};
const keyFile = () => path.join(t.dir, 'keys', 'audit.key');
/** A second handle on the same file: nothing cached, as after a restart. */
const reopen = () => {
  t.db.close();
  t.db = openDatabase(t.file);
  return t.db;
};

describe('the audit key of a new installation', () => {
  test('is made on the first entry, in keys/audit.key beside the database, readable by its owner only', () => {
    expect(fs.existsSync(keyFile())).toBe(false);
    log(t.db, 1);
    expect(fs.readFileSync(keyFile(), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(fs.statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(keyFile())).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.dirname(keyFile()))).toEqual(['audit.key']);
  });

  test('every hash is the keyed one, not the plain SHA-256 anyone can compute', () => {
    log(t.db, 3);
    const rows = t.db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[];
    const key = auditKey(t.db);
    for (const row of rows) {
      expect(row.hash).toBe(entryHash(row.prev_hash, row, key));
      expect(row.hash).not.toBe(legacyEntryHash(row.prev_hash, row));
    }
  });

  test('stays the same key after a restart', () => {
    log(t.db, 2);
    const before = auditKey(t.db).id;
    const db = reopen();
    log(db, 2, 2);
    expect(auditKey(db).id).toBe(before);
    expect(verifyAuditChain(db)).toEqual({ ok: true, count: 4 });
  });

  test('TILTS_AUDIT_KEY_FILE puts it elsewhere, and the data folder then holds no key', () => {
    const elsewhere = path.join(t.dir, 'secrets', 'tilts-audit.key');
    vi.stubEnv('TILTS_AUDIT_KEY_FILE', elsewhere);
    log(t.db, 2);
    expect(fs.existsSync(elsewhere)).toBe(true);
    expect(fs.existsSync(keyFile())).toBe(false);
    expect(verifyAuditChain(reopen())).toEqual({ ok: true, count: 2 });
  });
});

describe('someone who can write the database but not read the key', () => {
  test('edits an entry and rechains the whole log with plain SHA-256: the first entry no longer verifies', () => {
    log(t.db, 5);
    const victim = (listAudit(t.db, {}).entries.at(-3))!.id;
    forgeAndRechain(t.db, victim, { forged: true });
    const first = t.db.prepare('SELECT min(id) FROM audit_log').pluck().get() as number;
    expect(verifyAuditChain(t.db)).toEqual({ ok: false, count: 1, brokenAt: first, reason: 'hash' });
  });

  test('rechains with a key of their own: found just the same', () => {
    log(t.db, 3);
    const theirs = generateAuditKey('/nowhere');
    rechain(t.db, (prev, row) => entryHash(prev, row, theirs));
    expect(verifyAuditChain(t.db)).toMatchObject({ ok: false, count: 1, reason: 'hash' });
  });

  test('cannot pass off a forged marker entry as the start of the keyed chain', () => {
    log(t.db, 3);
    const last = t.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT 1').get() as AuditRow;
    aroundAuditTriggers(t.db, () => {
      const row = { ...last, at: last.at, action: KEYED_CHAIN_MARKER, details: '{}' };
      t.db.prepare('INSERT INTO audit_log (at, actor_user_id, actor_label, action, target_type, target_id, facility_id, ip, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(row.at, null, 'system', row.action, null, null, null, null, row.details, last.hash, legacyEntryHash(last.hash, row));
    });
    rechain(t.db);
    // The entries before it pass as an old plain chain, but the marker itself needs the key.
    const forged = t.db.prepare('SELECT max(id) FROM audit_log').pluck().get() as number;
    expect(verifyAuditChain(t.db)).toEqual({ ok: false, count: 4, brokenAt: forged, reason: 'hash' });
  });

  test('the marker entry cannot be written through appendAudit', () => {
    expect(() => appendAudit(t.db, { actor: admin, action: KEYED_CHAIN_MARKER })).toThrow(/only when the keyed chain starts/);
  });
});

describe('a missing or damaged key file', () => {
  test('with keyed entries in the log: a clear error naming the file and the variable, and no new key', () => {
    log(t.db, 2);
    fs.rmSync(keyFile());
    const db = reopen();
    expect(() => auditKey(db)).toThrow(AuditKeyError);
    expect(() => appendAudit(db, { actor: admin, action: 'auth.login' })).toThrow(new RegExp(`${keyFile().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is missing.*TILTS_AUDIT_KEY_FILE`));
    expect(fs.existsSync(keyFile())).toBe(false);
    const result = verifyAuditChain(db);
    expect(result).toEqual({ ok: false, count: 2, reason: 'missingKey', keyFile: keyFile() });
    expect(describeAuditVerification(result)).toMatch(/^Cannot verify the audit log: .*audit\.key is missing/);
  });

  test('a file that is not a key is refused, never replaced', () => {
    log(t.db, 1);
    fs.writeFileSync(keyFile(), 'not a key\n');
    const db = reopen();
    expect(() => auditKey(db)).toThrow(/not a Tilts audit key/);
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, reason: 'invalidKey' });
    expect(fs.readFileSync(keyFile(), 'utf8')).toBe('not a key\n');
  });

  test('an empty log with no key verifies (nothing written yet) and makes no key', () => {
    expect(verifyAuditChain(t.db)).toEqual({ ok: true, count: 0 });
    expect(fs.existsSync(keyFile())).toBe(false);
  });

  test('two processes making the key at once: the second keeps the first one\'s key', () => {
    const first = storeAuditKey(generateAuditKey(keyFile()));
    const second = storeAuditKey(generateAuditKey(keyFile()));
    expect(second.id).toBe(first.id);
    expect(fs.readdirSync(path.dirname(keyFile()))).toEqual(['audit.key']);
  });
});

describe('upgrading a log written with the old plain SHA-256 chain', () => {
  /** Writes entries as the old code did: plain SHA-256, no key. */
  function legacyLog(n: number) {
    let prev = GENESIS_HASH;
    const insert = t.db.prepare('INSERT INTO audit_log (at, actor_user_id, actor_label, action, target_type, target_id, facility_id, ip, details, prev_hash, hash) VALUES (@at, @actor_user_id, @actor_label, @action, @target_type, @target_id, @facility_id, @ip, @details, @prev_hash, @hash)');
    for (let i = 0; i < n; i++) {
      const row = { at: `2026-01-0${i + 1}T08:00:00.000Z`, actor_user_id: 1, actor_label: 'anita.admin', action: 'user.update', target_type: 'user', target_id: String(i), facility_id: null, ip: null, details: '{}' };
      const hash = legacyEntryHash(prev, row);
      insert.run({ ...row, prev_hash: prev, hash });
      prev = hash;
    }
    return prev;
  }

  test('before the first start it still verifies as the old chain', () => {
    legacyLog(3);
    expect(verifyAuditChain(t.db)).toEqual({ ok: true, count: 3 });
  });

  test('the first start makes the key and a marker entry whose keyed hash anchors the old chain', () => {
    const legacyHead = legacyLog(3);
    const key = auditKey(t.db);
    expect(fs.existsSync(keyFile())).toBe(true);
    const marker = listAudit(t.db, {}).entries[0]!;
    expect(marker).toMatchObject({ action: KEYED_CHAIN_MARKER, actorLabel: 'system', prevHash: legacyHead });
    expect(marker.details).toEqual({ legacyEntries: 3, legacyHead, legacyIntact: true, auditKeyId: key.id });
    log(t.db, 2);
    const result = verifyAuditChain(reopen());
    expect(result).toEqual({ ok: true, count: 6, legacy: 3 });
    expect(describeAuditVerification(result)).toBe('Audit log intact: 6 entries (the first 3 from before the keyed chain, anchored by it), every link verified.');
  });

  test('an old entry rewritten afterwards, its old chain recomputed: the marker no longer points to it', () => {
    legacyLog(3);
    auditKey(t.db);
    log(t.db, 1);
    const marker = t.db.prepare('SELECT id FROM audit_log WHERE action = ?').pluck().get(KEYED_CHAIN_MARKER) as number;
    aroundAuditTriggers(t.db, () => {
      t.db.prepare(`UPDATE audit_log SET details = '{"forged":true}', hash = 'x' WHERE id = 2`).run();
      const rows = t.db.prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id').all(marker) as AuditRow[];
      let prev = GENESIS_HASH;
      for (const row of rows) {
        const hash = legacyEntryHash(prev, row);
        t.db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, row.id);
        prev = hash;
      }
    });
    expect(verifyAuditChain(t.db)).toEqual({ ok: false, count: 4, brokenAt: marker, reason: 'prevHash' });
  });

  test('is not done inside a caller\'s transaction, which could still roll the marker back', () => {
    legacyLog(2);
    expect(() => t.db.transaction(() => appendAudit(t.db, { actor: admin, action: 'auth.login' }))()).toThrow(/start the server once/);
    expect(fs.existsSync(keyFile())).toBe(false);
    expect(t.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(2);
  });
});
