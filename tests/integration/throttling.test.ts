import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, signedIn, visibleText } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { t } from '../../src/lib/i18n/index.ts';
import { ACCOUNT_RULES } from '../../src/lib/server/login-throttle.ts';

/**
 * Guessing PINs does not work: each wrong try is answered plainly, repeated
 * failures slow the account down and then lock it for a while (even the right
 * PIN is refused, with a message saying how long), and the lock is audited.
 * Separately, one address may only post so many sign-ins per minute.
 * Both run on their own servers: failed sign-ins accumulate per address.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const learner = ACCOUNTS.learnerIlg;
const wrong = { ...learner, pin: '0000' };

describe('a learner who keeps typing the wrong PIN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('is told plainly that the number or PIN is wrong, slowed down, then locked out even with the right PIN', async () => {
    const client = new Client(server.baseUrl);
    const first = await client.tryLogin(wrong);
    expect(first.status).toBe(401);
    expect(visibleText(first.body)).toContain(t('lv', 'login.wrongPin'));
    expect(client.session).toBeUndefined();

    // The free failures.
    for (let i = 2; i <= ACCOUNT_RULES.freeFailures; i++) expect((await client.tryLogin(wrong)).status).toBe(401);

    // The next failure starts the delays: now even the right PIN must wait.
    expect((await client.tryLogin(wrong)).status).toBe(401);
    const waiting = await client.tryLogin(learner);
    expect(waiting.status).toBe(429);
    // The first delay is ACCOUNT_RULES.baseDelayMs (2 s): said in seconds, not "1 min".
    const seconds = Math.ceil(ACCOUNT_RULES.baseDelayMs / 1000);
    expect([1, seconds].map((n) => t('lv', 'login.throttledSeconds', { seconds: n })).some((m) => visibleText(waiting.body).includes(m))).toBe(true);
    expect(client.session).toBeUndefined();

    // Keep failing after each delay until the account locks.
    let failures = ACCOUNT_RULES.freeFailures + 1;
    let last = waiting;
    while (failures < ACCOUNT_RULES.lockAfter) {
      await sleep(ACCOUNT_RULES.baseDelayMs * 2 ** (failures - ACCOUNT_RULES.freeFailures - 1) + 150);
      last = await client.tryLogin(wrong);
      failures++;
    }
    expect(last.status).toBe(429);
    const minutes = Math.ceil(ACCOUNT_RULES.lockMs / 60_000);
    expect(visibleText(last.body)).toContain(t('lv', 'login.locked', { minutes }));

    const refused = await client.tryLogin(learner);
    expect(refused.status).toBe(429);
    expect(visibleText(refused.body)).toContain(t('lv', 'login.locked', { minutes }));
    expect(client.session).toBeUndefined();
  }, 90_000);

  test('the lock is in the audit log, for the admin to find', async () => {
    const db = new Database(server.databaseFile, { readonly: true, fileMustExist: true });
    const rows = db.prepare("SELECT actor_label, target_type, details FROM audit_log WHERE action = 'auth.locked'").all() as Array<{
      actor_label: string;
      target_type: string | null;
      details: string;
    }>;
    db.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor_label).toBe(learner.inmateNumber);
    expect(rows[0]!.target_type).toBe('user');
    expect(JSON.parse(rows[0]!.details)).toMatchObject({ by: 'account' });

    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    const page = await admin.get('/admin/audit?action=auth.locked');
    expect(page.status).toBe(200);
    expect(visibleText(page.body)).toContain(t('lv', 'auditAction.auth.locked'));
    expect(visibleText(page.body)).toContain(learner.inmateNumber);
  });

  test('other accounts from the same terminal still sign in', async () => {
    await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
  });
});

describe('a burst of sign-in posts from one address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { TILTS_SIGNIN_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('is cut off after the per-minute allowance with 429 and a plain message', async () => {
    const client = new Client(server.baseUrl);
    for (let i = 0; i < 3; i++) expect((await client.tryLogin(wrong)).status).toBe(401);
    const cut = await client.tryLogin(learner);
    expect(cut.status).toBe(429);
    expect(visibleText(cut.body)).toContain(t('lv', 'login.tooManyRequests'));
    expect(client.session).toBeUndefined();
  });
});
