import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { signedIn, type Client } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { runNpm } from '../helpers/cli.ts';
import { t } from '../../src/lib/i18n/index.ts';

/**
 * A power cut for the process: while the admin's forms pour in (new
 * facilities, learner record edits), the server is killed with SIGKILL. The
 * database left behind must pass its integrity check, hold every write the
 * server acknowledged, keep an intact audit chain, and serve again.
 */

const TOTAL_FACILITIES = 600;
const TOTAL_EDITS = 40;
const IN_FLIGHT = 16;
/** Kill once this many writes were acknowledged, while others are still in flight. */
const KILL_AFTER_ACKS = 80;

let server: TestServer;
let restarted: TestServer | null = null;
let admin: Client;

beforeAll(async () => {
  server = await startServer();
  admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
});
afterAll(async () => {
  await restarted?.stop();
  await server?.stop();
});

/** AAAA, AAAB, … : unique facility codes of four capital letters. */
function code(n: number): string {
  let out = '';
  for (let i = 0; i < 4; i++) {
    out = String.fromCharCode(65 + (n % 26)) + out;
    n = Math.floor(n / 26);
  }
  return out;
}

interface LearnerForm {
  id: number;
  fields: Record<string, string>;
}

/** 12 → "Bc": a number written in letters (names hold no digits). */
const lettersOf = (n: number) => [...String(n)].map((d, i) => (i === 0 ? 'ABCDEFGHIJ' : 'abcdefghij')[Number(d)]).join('');

function learnerForms(file: string): LearnerForm[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const rows = db
    .prepare(
      `SELECT l.id, l.surname, l.birth_year, l.education_level, l.latvian_level, l.expected_release_date, l.status,
              u.facility_id, u.preferred_locale
       FROM learner l JOIN user u ON u.id = l.user_id WHERE l.status = 'in_custody' ORDER BY l.id LIMIT ?`,
    )
    .all(TOTAL_EDITS) as Array<Record<string, string | number | null>>;
  db.close();
  return rows.map((r) => ({
    id: Number(r.id),
    fields: {
      intent: 'update',
      surname: String(r.surname),
      // A name of letters only (the person-name rule), different for each learner.
      givenNames: `Labots ${lettersOf(Number(r.id))}`,
      birthYear: r.birth_year === null ? '' : String(r.birth_year),
      facilityId: String(r.facility_id),
      educationLevel: String(r.education_level),
      latvianLevel: String(r.latvian_level),
      expectedReleaseDate: r.expected_release_date === null ? '' : String(r.expected_release_date),
      status: String(r.status),
      preferredLocale: String(r.preferred_locale),
    },
  }));
}

test('every acknowledged write survives SIGKILL mid-stream; the database is intact and serves again', async () => {
  const edits = learnerForms(server.databaseFile);
  expect(edits.length).toBe(TOTAL_EDITS);

  type Job = { kind: 'facility'; code: string } | { kind: 'learner'; id: number; givenNames: string; fields: Record<string, string> };
  const jobs: Job[] = [];
  for (let i = 0; i < TOTAL_FACILITIES; i++) {
    jobs.push({ kind: 'facility', code: code(i) });
    // Interleave the learner edits with the first facilities.
    const edit = edits[i];
    if (edit) jobs.push({ kind: 'learner', id: edit.id, givenNames: edit.fields.givenNames!, fields: edit.fields });
  }

  const created = t('lv', 'facilities.created');
  const saved = t('lv', 'common.saved');
  const ackedFacilities: string[] = [];
  const ackedEdits: Array<{ id: number; givenNames: string }> = [];
  /** Writes refused or failed while the server was still alive: there should be none. */
  const failedAlive: string[] = [];
  let killing: Promise<void> | null = null;
  let next = 0;

  const worker = async () => {
    while (next < jobs.length && !server.exited()) {
      const job = jobs[next++]!;
      try {
        if (job.kind === 'facility') {
          const reply = await admin.post('/admin/facilities', { code: job.code, name: `Pārbaudes cietums ${job.code}` });
          if (reply.status === 200 && reply.body.includes(created)) ackedFacilities.push(job.code);
          else if (!killing) failedAlive.push(`facility ${job.code}: HTTP ${reply.status}`);
        } else {
          const reply = await admin.post(`/staff/learners/${job.id}`, job.fields);
          if (reply.status === 200 && reply.body.includes(saved)) ackedEdits.push({ id: job.id, givenNames: job.givenNames });
          else if (!killing) failedAlive.push(`learner ${job.id}: HTTP ${reply.status}`);
        }
      } catch (error) {
        // A connection that died with the server is simply not acknowledged.
        if (!killing) failedAlive.push(`${job.kind}: ${String(error)}`);
      }
      if (!killing && ackedFacilities.length + ackedEdits.length >= KILL_AFTER_ACKS) killing = server.kill();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await killing;
  expect(killing, 'the server was killed during the writes').not.toBeNull();
  expect(server.exited()).toBe(true);
  expect(failedAlive, 'writes that failed before the kill').toEqual([]);

  const acknowledged = ackedFacilities.length + ackedEdits.length;
  expect(acknowledged).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
  expect(acknowledged, 'some writes were still in flight when the server died').toBeLessThan(jobs.length);
  expect(ackedEdits.length, 'learner edits were acknowledged too').toBeGreaterThan(0);

  // The database as the killed process left it (WAL and all).
  const db = new Database(server.databaseFile);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const hasFacility = db.prepare('SELECT 1 FROM facility WHERE code = ?').pluck();
    const missing = ackedFacilities.filter((c) => hasFacility.get(c) === undefined);
    expect(missing, 'acknowledged facilities missing after the kill').toEqual([]);
    const givenNames = db.prepare('SELECT given_names FROM learner WHERE id = ?').pluck();
    const lost = ackedEdits.filter((e) => givenNames.get(e.id) !== e.givenNames);
    expect(lost, 'acknowledged learner edits missing after the kill').toEqual([]);
    // Each acknowledged change committed together with its audit entry.
    const audited = db.prepare("SELECT count(*) FROM audit_log WHERE action = 'facility.create'").pluck().get() as number;
    expect(audited).toBeGreaterThanOrEqual(ackedFacilities.length);
  } finally {
    db.close();
  }

  const verify = await runNpm('audit:verify', [], { TILTS_DATA_DIR: server.dataDir });
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  expect(verify.stdout).toMatch(/intact/i);

  restarted = await startServer({ dataDir: server.dataDir });
  const health = await fetch(`${restarted.baseUrl}/healthz`);
  expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
  const again = await signedIn(restarted.baseUrl, ACCOUNTS.admin);
  const list = await again.get('/admin/facilities');
  expect(list.body).toContain(ackedFacilities.at(-1)!);
}, 120_000);
