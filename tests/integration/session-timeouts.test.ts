import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { signedIn, visibleText, type Client } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { t } from '../../src/lib/i18n/index.ts';

/**
 * A learner who walks away from a terminal is signed out after the idle
 * time; staff have a longer idle time; and every session ends after its
 * absolute lifetime however active it is. Here the learner idles out after
 * 6 s and any session ends after ~11 s, so the whole story takes seconds.
 */

const LEARNER_IDLE_MS = 0.1 * 60_000;
const MAX_SESSION_MS = 0.003 * 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: TestServer;
let learner: Client;
let staff: Client;
/** By this time both sessions of the first story existed (their absolute limits count from before it). */
let signedInBy: number;

beforeAll(async () => {
  server = await startServer({
    env: { TILTS_IDLE_MINUTES_LEARNER: '0.1', TILTS_IDLE_MINUTES_STAFF: '30', TILTS_SESSION_MAX_HOURS: '0.003' },
  });
  learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
  staff = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
  signedInBy = Date.now();
});
afterAll(async () => {
  await server?.stop();
});

function sessionsOf(userId: number): number {
  const db = new Database(server.databaseFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM session WHERE user_id = ?').pluck().get(userId) as number;
  } finally {
    db.close();
  }
}
function userIdOfInmate(inmateNumber: string): number {
  const db = new Database(server.databaseFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT user_id FROM learner WHERE inmate_number = ?').pluck().get(inmateNumber) as number;
  } finally {
    db.close();
  }
}

test.concurrent('a learner left idle is signed out, told why, and the session is gone; staff stay signed in; then every session ends at its absolute limit', async () => {
  expect((await learner.get('/learn')).status).toBe(200);
  expect((await staff.get('/staff')).status).toBe(200);
  const learnerUserId = userIdOfInmate(ACCOUNTS.learnerOla.inmateNumber);
  expect(sessionsOf(learnerUserId)).toBe(1);

  await sleep(LEARNER_IDLE_MS + 700);
  const idle = await learner.get('/learn');
  expect(idle.status).toBe(303);
  const location = new URL(idle.location!, server.baseUrl);
  expect(location.pathname).toBe('/login');
  expect(location.searchParams.get('reason')).toBe('idle');
  expect(location.searchParams.get('next')).toBe('/learn');
  expect(sessionsOf(learnerUserId), 'the idle session row is deleted').toBe(0);
  const notice = await learner.get(idle.location!);
  expect(visibleText(notice.body)).toContain(t('lv', 'login.reasonIdle'));

  // The same wait does nothing to staff.
  expect((await staff.get('/staff')).status).toBe(200);

  // The absolute lifetime ends even an active session.
  await sleep(Math.max(0, signedInBy + MAX_SESSION_MS + 700 - Date.now()));
  const expired = await staff.get('/staff');
  expect(expired.status).toBe(303);
  expect(new URL(expired.location!, server.baseUrl).searchParams.get('reason')).toBe('expired');
  expect(visibleText((await staff.get(expired.location!)).body)).toContain(t('lv', 'login.reasonExpired'));
}, 60_000);

test.concurrent('"stay signed in" keeps an active learner\'s session alive past the idle time', async () => {
  const client = await signedIn(server.baseUrl, ACCOUNTS.learnerIlg);
  for (let i = 0; i < 2; i++) {
    await sleep(LEARNER_IDLE_MS * 0.6);
    const touch = await client.post('/api/session/touch', {}, { headers: { accept: 'application/json' } });
    expect(touch.status).toBe(200);
    const { idleLeftMs } = JSON.parse(touch.body) as { idleLeftMs: number };
    expect(idleLeftMs).toBeGreaterThan(0);
    expect(idleLeftMs).toBeLessThanOrEqual(LEARNER_IDLE_MS);
  }
  // 7 s after signing in, beyond the 6 s idle time, still signed in.
  expect((await client.get('/learn')).status).toBe(200);
}, 60_000);
