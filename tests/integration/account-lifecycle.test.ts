import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, signedIn, visibleText } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { t } from '../../src/lib/i18n/index.ts';

/**
 * When the admin deactivates an account, or staff reset a PIN or password,
 * every open session of that person ends at once: the very next request with
 * the old cookie is treated as signed out.
 */

let server: TestServer;
let admin: Client;
beforeAll(async () => {
  server = await startServer();
  admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
});
afterAll(async () => {
  await server?.stop();
});

/** The one-time secret shown on the page (new PIN or temporary password). */
function oneTimeSecret(html: string): string {
  const secret = /data-testid="one-time-secret"[^>]*>([^<]+)</.exec(html)?.[1];
  if (!secret) throw new Error(`No one-time secret on the page:\n${visibleText(html).slice(0, 400)}`);
  return secret.trim();
}

describe('the admin deactivates a teacher', () => {
  // User 5 is daiga.berzina.
  const DAIGA = 5;

  test('her open sessions stop working at once, and she cannot sign in again', async () => {
    const laptop = await signedIn(server.baseUrl, ACCOUNTS.daigaBerzina);
    const office = await signedIn(server.baseUrl, ACCOUNTS.daigaBerzina);
    expect((await laptop.get('/teach')).status).toBe(200);

    const reply = await admin.post(`/admin/users/${DAIGA}`, { intent: 'deactivate' });
    expect(reply.status).toBe(200);
    expect(visibleText(reply.body)).toContain(t('lv', 'users.deactivated'));

    for (const client of [laptop, office]) {
      const after = await client.get('/teach');
      expect(after.status).toBe(303);
      expect(new URL(after.location!, server.baseUrl).pathname).toBe('/login');
    }
    const again = await new Client(server.baseUrl).tryLogin(ACCOUNTS.daigaBerzina);
    expect(again.status).toBe(401);
    expect(visibleText(again.body)).toContain(t('lv', 'login.inactive'));
  });

  test('reactivated, she signs in again', async () => {
    const reply = await admin.post(`/admin/users/${DAIGA}`, { intent: 'activate' });
    expect(reply.status).toBe(200);
    expect(visibleText(reply.body)).toContain(t('lv', 'users.activated'));
    await signedIn(server.baseUrl, ACCOUNTS.daigaBerzina);
  });

  test('the audit log records the deactivation with the sessions it ended', async () => {
    const page = await admin.get(`/admin/audit?targetType=user&targetId=${DAIGA}`);
    const text = visibleText(page.body);
    // In words, as the admin reads it: the action's label and the sessions it ended.
    expect(text).toContain(t('lv', 'auditAction.user.deactivate'));
    expect(text).toContain(t('lv', 'auditAction.user.activate'));
    expect(text).toContain(`${t('lv', 'auditDetail.sessionsEnded')} 2`);
  });
});

test('the admin cannot deactivate their own account', async () => {
  const reply = await admin.post('/admin/users/1', { intent: 'deactivate' });
  expect(reply.status).toBe(400);
  expect(visibleText(reply.body)).toContain(t('lv', 'user.notSelf'));
  expect((await admin.get('/admin')).status).toBe(200);
});

test('a PIN reset by education staff ends the learner\'s session; the old PIN stops working, the new one works', async () => {
  const learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
  const ieva = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
  const reply = await ieva.post('/staff/learners/1', { intent: 'resetPin' });
  expect(reply.status).toBe(200);
  const pin = oneTimeSecret(reply.body);
  expect(pin).toMatch(/^\d{4,8}$/);

  const after = await learner.get('/learn');
  expect(after.status).toBe(303);
  expect(new URL(after.location!, server.baseUrl).pathname).toBe('/login');

  expect((await new Client(server.baseUrl).tryLogin(ACCOUNTS.learnerOla)).status).toBe(401);
  await signedIn(server.baseUrl, { ...ACCOUNTS.learnerOla, pin });
});

test('a learner whom staff record as released is signed out at once, told that staff ended the session', async () => {
  // Learner 2 (inmate number 204138) is at Olaine (facility 1), like ieva.ozola.
  const learner = await signedIn(server.baseUrl, { kind: 'learner', inmateNumber: '204138', pin: ACCOUNTS.learnerOla.pin });
  const ieva = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
  // The record form does not change the status; the release step does (it also closes programmes).
  const viaRecord = await ieva.post('/staff/learners/2', {
    intent: 'update',
    surname: 'Kalniņš',
    givenNames: 'Edgars',
    birthYear: '1980',
    facilityId: '1',
    educationLevel: 'basic',
    latvianLevel: 'B1',
    expectedReleaseDate: '',
    status: 'released',
    preferredLocale: 'lv',
  });
  expect(viaRecord.status).toBe(400);
  expect(visibleText(viaRecord.body)).toContain(t('lv', 'lifecycle.useRelease'));
  expect((await learner.get('/learn')).status).toBe(200);
  const reply = await ieva.post('/staff/learners/2', { intent: 'release', onDate: '', reason: '', confirm: '1' });
  expect(reply.status).toBe(200);
  expect(visibleText(reply.body)).toContain(t('lv', 'lifecycle.released'));
  const after = await learner.get('/learn');
  expect(after.status).toBe(303);
  const location = new URL(after.location!, server.baseUrl);
  expect(location.pathname).toBe('/login');
  expect(location.searchParams.get('reason')).toBe('barred');
  expect(visibleText((await learner.get(after.location!)).body)).toContain(t('lv', 'login.reasonBarred'));
});

test('a password reset by the admin ends the staff member\'s sessions; the temporary password works', async () => {
  const janis = await signedIn(server.baseUrl, ACCOUNTS.janisLiepa);
  // User 4 is janis.liepa.
  const reply = await admin.post('/admin/users/4', { intent: 'resetPassword' });
  expect(reply.status).toBe(200);
  const password = oneTimeSecret(reply.body);
  expect((await janis.get('/teach')).status).toBe(303);
  await signedIn(server.baseUrl, { ...ACCOUNTS.janisLiepa, password });
});

test('"sign out on all devices" ends every session of that person', async () => {
  const one = await signedIn(server.baseUrl, ACCOUNTS.andrisVitols);
  const two = await signedIn(server.baseUrl, ACCOUNTS.andrisVitols);
  const reply = await one.post('/logout', { everywhere: '1' });
  expect(reply.status).toBe(303);
  expect((await two.get('/supervise')).status).toBe(303);
  expect((await one.get('/supervise')).status).toBe(303);
});
