import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { signedIn, visibleText, type Client } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { holdWriteLock, type LockHolder } from '../helpers/write-lock.ts';
import { t } from '../../src/lib/i18n/index.ts';

/**
 * The nightly roster import, a backup or a migration run in another process
 * and hold the database's write lock. The server must keep answering (its
 * connection waits for a lock only briefly, never for seconds), pages that
 * only read must still open, and a write must either wait and succeed once
 * the lock is free or say "busy, try again" (503): never a 500.
 */

let server: TestServer;
let staff: Client;
let holder: LockHolder | null = null;

beforeAll(async () => {
  server = await startServer();
  staff = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
});
afterEach(async () => {
  await holder?.release();
  holder = null;
});
afterAll(async () => {
  await server?.stop();
});

test('while another process holds the write lock, /healthz answers and signed-in pages still open', async () => {
  holder = await holdWriteLock(server.databaseFile);
  const health = await fetch(`${server.baseUrl}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok' });
  // A page view records the session's activity: skipped while busy, the page itself answers.
  const home = await staff.get('/staff');
  expect(home.status).toBe(200);
  const learner = await signedInLearnerPage();
  expect(learner).toBe(200);
});

/** A learner signs in first (a write), then the lock is taken and the learner's home is opened. */
async function signedInLearnerPage(): Promise<number> {
  await holder?.release();
  const learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
  holder = await holdWriteLock(server.databaseFile);
  return (await learner.get('/learn')).status;
}

test('a write while the lock stays held answers 503 "busy, try again" after its retries, and succeeds once the lock is free', async () => {
  holder = await holdWriteLock(server.databaseFile);
  const json = await staff.request('POST', '/api/session/touch', { headers: { accept: 'application/json' } });
  expect(json.status).toBe(503);
  expect(json.headers.get('retry-after')).toBeTruthy();
  expect(JSON.parse(json.body)).toMatchObject({ error: 'db.busy' });

  // A form: the person reads the plain words in their language, and stays signed in.
  const form = await staff.post('/logout', {});
  expect(form.status).toBe(503);
  expect(visibleText(form.body)).toContain(t('lv', 'error.busyBody'));
  expect(form.body).not.toContain(t('lv', 'error.serverTitle'));

  await holder.release();
  holder = null;
  const again = await staff.request('POST', '/api/session/touch', { headers: { accept: 'application/json' } });
  expect(again.status).toBe(200);
  expect(JSON.parse(again.body)).toHaveProperty('idleLeftMs');
  expect((await staff.get('/staff')).status).toBe(200);
});

test('writes started while the lock is held wait (without stalling the server) and succeed once it is released', async () => {
  holder = await holdWriteLock(server.databaseFile, { releaseAfterMs: 300 });
  const replies = await Promise.all(
    Array.from({ length: 8 }, () => staff.request('POST', '/api/session/touch', { headers: { accept: 'application/json' } })),
  );
  expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
  await holder.done;
  holder = null;
});

test('a page view that must write (ending a timed-out session) waits for the lock without stalling the server, then answers', async () => {
  const learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
  // The learner walked away long ago: the next request ends the session, a DELETE.
  const db = new Database(server.databaseFile);
  db.prepare('UPDATE session SET last_active_at = 0 WHERE user_id = (SELECT user_id FROM learner WHERE inmate_number = ?)').run(ACCOUNTS.learnerOla.inmateNumber);
  db.close();
  holder = await holdWriteLock(server.databaseFile);
  const pending = learner.get('/learn');
  // Meanwhile the server answers others.
  expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  await holder.release();
  holder = null;
  const reply = await pending;
  expect(reply.status).toBe(303);
  expect(reply.location).toContain('reason=idle');
});
