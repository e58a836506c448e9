import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, htmlLang, signedIn, visibleText, type Reply } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { t } from '../../src/lib/i18n/index.ts';
import type { Locale } from '../../src/lib/shared/domain.ts';

/**
 * A missing page and a failing page both answer in the reader's language,
 * with a way home, and never show what went wrong inside (stack traces, SQL,
 * file paths): that is for the server log.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** Traces of internals that must never reach a browser. */
const LEAKS = [/\bat\s+\S+\s+\(?\/?[\w./-]+:\d+:\d+/, /SqliteError/i, /no such table/i, /node_modules/, /\/src\/|\\src\\/, /\.(ts|mjs|astro):\d+/, /\bTypeError\b|\bReferenceError\b/, /\bstack\b/i];

function expectNoLeaks(reply: Reply, what: string): void {
  for (const leak of LEAKS) expect(reply.body, `${what} shows internals (${leak})`).not.toMatch(leak);
}

function expectPageIn(reply: Reply, locale: Locale, title: 'error.notFoundTitle' | 'error.serverTitle'): void {
  expect(htmlLang(reply.body)).toBe(locale);
  expect(visibleText(reply.body)).toContain(t(locale, title));
  expect(visibleText(reply.body)).toContain(t(locale, 'error.backHome'));
}

describe('a page that does not exist', () => {
  test('a stranger who chose English gets the 404 page in English', async () => {
    const client = new Client(server.baseUrl);
    await client.post('/lang', { locale: 'en', next: '/login' });
    const reply = await client.get('/about/no-such-thing');
    expect(reply.status).toBe(404);
    expectPageIn(reply, 'en', 'error.notFoundTitle');
    expectNoLeaks(reply, '404');
  });

  test('education staff who read Russian get the 404 page in Russian', async () => {
    const marina = await signedIn(server.baseUrl, ACCOUNTS.marinaPetrova);
    const reply = await marina.get('/staff/nothing/here');
    expect(reply.status).toBe(404);
    expectPageIn(reply, 'ru', 'error.notFoundTitle');
    expectNoLeaks(reply, '404');
  });

  test('the admin asking for a learner record that does not exist gets the 404 page in Latvian', async () => {
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    const reply = await admin.get('/staff/learners/424242');
    expect(reply.status).toBe(404);
    expectPageIn(reply, 'lv', 'error.notFoundTitle');
  });
});

describe('a page that fails on the server', () => {
  beforeAll(() => {
    // A bug in the making: the facility table disappears under the running server.
    const db = new Database(server.databaseFile);
    db.pragma('busy_timeout = 5000');
    db.exec('ALTER TABLE facility RENAME TO facility_moved_away');
    db.close();
  });

  test.each([
    ['the admin (Latvian)', ACCOUNTS.admin, '/admin/facilities', 'lv'],
    ['education staff (Russian)', ACCOUNTS.marinaPetrova, '/staff', 'ru'],
    ['a teacher (English)', ACCOUNTS.peterisKrumins, '/teach', 'en'],
  ] as const)('%s sees the plain 500 page in their language, without internals', async (_who, account, url, locale) => {
    const client = await signedIn(server.baseUrl, account);
    const reply = await client.get(url);
    expect(reply.status).toBe(500);
    expectPageIn(reply, locale, 'error.serverTitle');
    expectNoLeaks(reply, '500');
  });

  test('the failure is logged on the server instead', () => {
    expect(server.output()).toMatch(/facility/);
  });
});
