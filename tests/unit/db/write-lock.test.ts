import { afterEach, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { isBusyError, openDatabase, unlessBusy } from '../../../src/lib/server/db.ts';
import { busyResponse, withBusyRetry } from '../../../src/lib/server/http/busy.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';
import { holdWriteLock, type LockHolder } from '../../helpers/write-lock.ts';

let t: TestDb;
let holder: LockHolder | null = null;
afterEach(async () => {
  await holder?.release();
  holder = null;
  t?.cleanup();
});

const probeCount = (db: Database.Database) => db.prepare('SELECT count(*) FROM probe').pluck().get() as number;
/** A read, then a write: the shape of recordConsultation that failed at once while the nightly import ran. */
const readThenWrite = (db: Database.Database) => () => {
  db.prepare('INSERT INTO probe (n) VALUES (?)').run(probeCount(db) + 1);
};
/** A test database with a table of its own to write to. */
function probeDb(): TestDb {
  const made = createTestDb({ migrated: false });
  made.db.exec('CREATE TABLE probe (n INTEGER)');
  return made;
}

describe('writers wait their turn instead of failing', () => {
  test('a plain db.transaction() takes the lock at BEGIN, so a read-then-write waits for another process and succeeds', async () => {
    t = probeDb();
    const db = openDatabase(t.file, { busyTimeoutMs: 30_000 });
    try {
      const before = probeCount(db);
      // The holder commits by itself: this thread blocks in BEGIN IMMEDIATE meanwhile.
      holder = await holdWriteLock(t.file, { releaseAfterMs: 300 });
      db.transaction(readThenWrite(db))();
      expect(probeCount(db)).toBe(before + 1);
    } finally {
      db.close();
    }
  });

  test('the same work as a DEFERRED transaction fails with SQLITE_BUSY: why immediate is the default', async () => {
    t = probeDb();
    const db = openDatabase(t.file, { busyTimeoutMs: 30_000 });
    try {
      // A snapshot read before the other process writes and commits: the upgrade to a writer cannot succeed.
      holder = await holdWriteLock(t.file, { releaseAfterMs: 300 });
      let failure: unknown = null;
      try {
        db.transaction(readThenWrite(db)).deferred();
      } catch (error) {
        failure = error;
      }
      expect(isBusyError(failure)).toBe(true);
    } finally {
      db.close();
    }
  });

  test("the server's short busy timeout gives up with SQLITE_BUSY while another process holds the lock, and bookkeeping writes are skipped", async () => {
    t = probeDb();
    const db = openDatabase(t.file, { busyTimeoutMs: 20 });
    try {
      holder = await holdWriteLock(t.file);
      expect(() => db.transaction(readThenWrite(db))()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
      expect(unlessBusy(() => db.prepare('UPDATE probe SET n = n').run())).toBe(false);
      // Reads go on under WAL.
      expect(probeCount(db)).toBeGreaterThanOrEqual(0);
      await holder.release();
      holder = null;
      expect(unlessBusy(() => db.prepare('UPDATE probe SET n = n').run())).toBe(true);
    } finally {
      db.close();
    }
  });
});

describe('a request that meets a busy database', () => {
  const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

  test('a read is tried again after a pause and answers once the lock is free', async () => {
    let calls = 0;
    const response = await withBusyRetry(async () => {
      calls++;
      if (calls < 3) throw busy();
      return new Response('ok');
    }, true, [1, 1, 1]);
    expect(calls).toBe(3);
    expect(await response!.text()).toBe('ok');
  });

  test('a write is not repeated: the caller answers 503 busy', async () => {
    let calls = 0;
    const response = await withBusyRetry(async () => {
      calls++;
      throw busy();
    }, false);
    expect(calls).toBe(1);
    expect(response).toBeNull();
    const page = busyResponse(false, 'Busy', 'Try again.', 'en');
    expect(page.status).toBe(503);
    expect(page.headers.get('Retry-After')).toBe('5');
    expect(await page.text()).toContain('Try again.');
    expect((await busyResponse(true, '', '', 'en').json()) as unknown).toEqual({ error: 'db.busy', retryAfterSeconds: 5 });
  });

  test('a read still busy after every retry gets the 503 too; other errors are not swallowed', async () => {
    expect(await withBusyRetry(async () => Promise.reject(busy()), true, [1, 1])).toBeNull();
    await expect(withBusyRetry(async () => Promise.reject(new Error('bug')), true, [1])).rejects.toThrow('bug');
  });
});
