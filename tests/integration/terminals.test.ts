import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, visibleText } from '../helpers/http.ts';
import { DEMO_PIN, type Credentials } from '../helpers/accounts.ts';
import { ALL_DAY, setFacilityHours } from '../helpers/terminal.ts';
import { TERMINAL_COOKIE } from '../../src/lib/server/terminals/credential.ts';
import { localTime, instantOf } from '../../src/lib/server/terminals/timetable.ts';
import { formatOpening } from '../../src/lib/shared/hours-format.ts';
import { t, type MessageKey } from '../../src/lib/i18n/index.ts';

/**
 * The terminal rules over HTTP, as a device sees them: a learner signs in
 * only on an approved, unlocked terminal of their own prison inside its
 * learning hours, on one terminal at a time, and the session ends with the
 * learning window. Every refusal is a 403 page saying why in plain words.
 * One server (open round the clock unless a test closes a facility); each
 * story uses its own demo learners.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const learner = (inmateNumber: string): Credentials => ({ kind: 'learner', inmateNumber, pin: DEMO_PIN });
const lv = (key: MessageKey, params?: Record<string, string | number>) => t('lv', key, params);

function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(server.databaseFile);
  db.pragma('busy_timeout = 5000');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The id of the terminal a client's credential cookie names. */
function terminalIdOf(client: Client): number {
  return Number(client.cookies.get(TERMINAL_COOKIE)!.split('.')[0]);
}

/** Tries to sign in and expects a refusal saying `key`, with no session. */
async function expectRefused(client: Client, who: Credentials, key: MessageKey, params?: Record<string, string | number>): Promise<void> {
  const reply = await client.tryLogin(who);
  expect(reply.status).toBe(403);
  expect(client.session).toBeUndefined();
  expect(visibleText(reply.body)).toContain(lv(key, params));
}

describe('a learner is refused, in plain words, where learning is not allowed', () => {
  test('on a device that is no terminal', async () => {
    const device = new Client(server.baseUrl, { terminal: false });
    await expectRefused(device, learner('204101'), 'terminal.refusedNone');
  });

  test('on a device that is no terminal the PIN is not even checked: a wrong PIN gets the same answer', async () => {
    const device = new Client(server.baseUrl, { terminal: false });
    await expectRefused(device, { kind: 'learner', inmateNumber: '204101', pin: '0000' }, 'terminal.refusedNone');
  });

  test('on a device still waiting for approval', async () => {
    const device = new Client(server.baseUrl, { terminal: false });
    const page = await device.get('/terminal');
    expect(page.status).toBe(200);
    expect(device.cookies.has(TERMINAL_COOKIE)).toBe(true);
    await expectRefused(device, learner('204101'), 'terminal.refusedPending');
  });

  test('on a terminal the supervisor locked or switched off', async () => {
    const device = new Client(server.baseUrl);
    device.useTerminalFor('204138');
    const id = terminalIdOf(device);
    const supervisor = withDb((db) => db.prepare("SELECT id FROM user WHERE username = 'andris.vitols'").pluck().get() as number);
    withDb((db) => db.prepare('UPDATE terminal SET locked_at = ?, locked_by = ? WHERE id = ?').run(Date.now(), supervisor, id));
    await expectRefused(device, learner('204138'), 'terminal.refusedLocked');
    withDb((db) => db.prepare("UPDATE terminal SET locked_at = NULL, locked_by = NULL, status = 'disabled' WHERE id = ?").run(id));
    await expectRefused(device, learner('204138'), 'terminal.refusedDisabled');
    withDb((db) => db.prepare("UPDATE terminal SET status = 'approved' WHERE id = ?").run(id));
    expect((await device.tryLogin(learner('204138'))).status).toBe(303);
  });

  test("on another prison's terminal", async () => {
    const device = new Client(server.baseUrl);
    device.useTerminalFor('205211'); // an Iļģuciems terminal
    await expectRefused(device, learner('204323'), 'terminal.refusedOtherFacility'); // an Olaine learner
  });

  test('outside learning hours, with the time learning opens again; with no hours at all, told to ask the supervisor', async () => {
    const now = Date.now();
    const today = localTime(now);
    // Open only tomorrow 08:00–12:00 in Jelgava.
    const tomorrow = new Date(Date.parse(`${today.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const tomorrowWeekday = (today.weekday % 7) + 1;
    try {
      setFacilityHours(server.databaseFile, 'JEL', [{ weekday: tomorrowWeekday, startsAt: '08:00', endsAt: '12:00' }]);
      const device = new Client(server.baseUrl);
      await expectRefused(device, learner('204175'), 'terminal.refusedClosed', { opens: formatOpening(instantOf(tomorrow, 8 * 60), 'lv') });

      setFacilityHours(server.databaseFile, 'JEL', []);
      await expectRefused(device, learner('204175'), 'terminal.refusedClosedNoOpening');
    } finally {
      setFacilityHours(server.databaseFile, 'JEL', ALL_DAY);
    }
  });
});

describe('one terminal at a time', () => {
  test('a sign-in on a second terminal ends the first session: its next page and its poll say why', async () => {
    const a = new Client(server.baseUrl);
    const b = new Client(server.baseUrl);
    await a.signIn(learner('204360'));
    expect((await a.get('/learn')).status).toBe(200);
    await b.signIn(learner('204360'));

    const page = await a.get('/learn');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/login?next=%2Flearn&reason=signed_in_elsewhere');
    const signInPage = await a.get(page.location!);
    expect(visibleText(signInPage.body)).toContain(lv('terminal.endedElsewhere'));

    expect((await b.get('/learn')).status).toBe(200);
    const poll = await b.get('/api/learn/terminal');
    expect(poll.status).toBe(200);
  });

  test("the page's poll learns of it as a 401 carrying the reason", async () => {
    const a = new Client(server.baseUrl);
    const b = new Client(server.baseUrl);
    await a.signIn(learner('204545'));
    expect((await a.get('/api/learn/terminal')).status).toBe(200);
    await b.signIn(learner('204545'));
    const poll = await a.get('/api/learn/terminal');
    expect(poll.status).toBe(401);
    expect(JSON.parse(poll.body)).toMatchObject({ reason: 'signed_in_elsewhere' });
  });

  test('another learner signing in on the same terminal ends the session there', async () => {
    const first = new Client(server.baseUrl);
    await first.signIn(learner('204582'));
    const second = new Client(server.baseUrl);
    second.cookies.set(TERMINAL_COOKIE, first.cookies.get(TERMINAL_COOKIE)!);
    await second.signIn(learner('204767'));
    const poll = await first.get('/api/learn/terminal');
    expect(poll.status).toBe(401);
    expect(JSON.parse(poll.body)).toMatchObject({ reason: 'terminal_taken' });
    expect((await second.get('/learn')).status).toBe(200);
  });

  test('a session cookie carried to another device without its terminal is refused there and ends', async () => {
    const terminal = new Client(server.baseUrl);
    await terminal.signIn(learner('204804'));
    const elsewhere = new Client(server.baseUrl, { terminal: false });
    elsewhere.cookies.set('tilts_session', terminal.session!);
    const stolen = await elsewhere.get('/api/learn/terminal');
    expect(stolen.status).toBe(401);
    // The session is gone for the terminal too: a copied cookie is a reason to start over.
    expect((await terminal.get('/api/learn/terminal')).status).toBe(401);
  });
});

describe('the session ends with the learning window', () => {
  test('a session opened inside the hours closes when the window closes, saying so, and no sign-in is possible afterwards', async () => {
    // Daugavgrīva open today from midnight until the next whole minute (at least 5 s away).
    const now = Date.now();
    const here = localTime(now);
    let endMinutes = Math.ceil(here.minutes + 5 / 60);
    if (endMinutes > 24 * 60) endMinutes = 24 * 60;
    const end = instantOf(here.date, endMinutes);
    const hhmm = endMinutes === 24 * 60 ? '24:00' : `${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}`;
    try {
      setFacilityHours(server.databaseFile, 'DAU', [{ weekday: here.weekday, startsAt: '00:00', endsAt: hhmm }]);
      const device = new Client(server.baseUrl);
      await device.signIn(learner('204212'));
      const poll = await device.get('/api/learn/terminal');
      expect(poll.status).toBe(200);
      expect(JSON.parse(poll.body)).toMatchObject({ closesAt: end });

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, end - Date.now()) + 500));
      const page = await device.get('/learn');
      expect(page.status).toBe(303);
      expect(page.location).toBe('/login?next=%2Flearn&reason=hours_over');
      expect(visibleText((await device.get(page.location!)).body)).toContain(lv('terminal.endedHoursOver'));
      const again = await device.tryLogin(learner('204212'));
      expect(again.status).toBe(403);
      expect(device.session).toBeUndefined();
    } finally {
      setFacilityHours(server.databaseFile, 'DAU', ALL_DAY);
    }
  }, 90_000);
});
