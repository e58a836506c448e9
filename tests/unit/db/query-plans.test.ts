import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { preparedSql } from '../../../src/lib/server/db.ts';
import { createSession, generateSessionToken, validateSessionToken } from '../../../src/lib/server/session.ts';
import { pageLearners } from '../../../src/lib/server/people/learners.ts';
import { listAudit } from '../../../src/lib/server/audit.ts';
import { listUsers } from '../../../src/lib/server/people/users.ts';
import { listMyCourses } from '../../../src/lib/server/learning/study.ts';
import { createPrison, TEST_TIMEOUTS, type Prison } from '../../helpers/fixture.ts';

/**
 * The hot queries, as the domain prepares them, must find their rows through
 * an index: at 100,000 learners and 500,000 audit entries a full SCAN of one of
 * these tables is a slow page. A SCAN is allowed only for an ordered walk that
 * stops after one page (LIMIT, no sort of every row), and for substring search
 * (LIKE '%…%' cannot use an index; it is measured by `npm run bench -- --scale`),
 * and the total of a whole unfiltered list (a count over the smallest index).
 */
const HOT_TABLES = ['learner', 'user', 'session', 'lesson_progress', 'quiz_attempt', 'audit_log', 'enrolment', 'consultation', 'placement'];

let p: Prison & { cleanup: () => void };
beforeAll(async () => {
  p = await createPrison();
  // The hot paths, the way the pages call them: the statements land in the `stmt` cache.
  const token = generateSessionToken();
  createSession(p.db, token, p.learner.user.id, TEST_TIMEOUTS, { ip: null, userAgent: null });
  validateSessionToken(p.db, token, TEST_TIMEOUTS);
  listMyCourses(p.db, p.learner.user);
  const first = pageLearners(p.db, p.educationStaff.user, {}, { size: 1 });
  pageLearners(p.db, p.educationStaff.user, {}, { after: first.next });
  for (const placement of ['noConsultation', 'waiting', 'enrolled', 'releasingUnplaced'] as const) {
    pageLearners(p.db, p.educationStaff.user, { placement });
    pageLearners(p.db, p.admin.user, { placement, status: 'in_custody', facilityId: p.facilityA.id });
  }
  pageLearners(p.db, p.admin.user, { q: 'bērz' });
  listAudit(p.db, {});
  listAudit(p.db, {}, 1_000);
  listAudit(p.db, { facilityId: p.facilityA.id }, 1_000);
  listAudit(p.db, { targetType: 'learner', targetId: '1' }, 1_000);
  listAudit(p.db, { actorUserId: p.admin.user.id }, 1_000);
  listUsers(p.db, {}, 5_000);
  listUsers(p.db, { role: 'learner' }, 5_000);
  listUsers(p.db, { facilityId: p.facilityA.id, role: 'teacher' }, 0);
});
afterAll(() => p?.cleanup());

interface PlanRow {
  detail: string;
}

/** EXPLAIN QUERY PLAN of `sql`, its parameters bound to NULL (the plan is made before binding). */
function plan(sql: string): string[] {
  const names = [...new Set([...sql.matchAll(/[@:$](\w+)/g)].map((m) => m[1]!))];
  const statement = p.db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (names.length ? statement.all(Object.fromEntries(names.map((n) => [n, null]))) : statement.all(...Array((sql.match(/\?/g) ?? []).length).fill(null))) as PlanRow[];
  return rows.map((r) => r.detail);
}

const readsHotTable = (sql: string) => /^\s*SELECT/i.test(sql) && HOT_TABLES.some((t) => new RegExp(`\\b(FROM|JOIN)\\s+${t}\\b`, 'i').test(sql));

describe('the hot queries use indexes', () => {
  test('every hot query the session, learner list, audit log and user list prepared finds its rows through an index', () => {
    const hot = preparedSql(p.db).filter(readsHotTable);
    expect(hot.length).toBeGreaterThan(15);
    const problems: string[] = [];
    for (const sql of hot) {
      const steps = plan(sql);
      const sorted = steps.some((s) => s.startsWith('USE TEMP B-TREE FOR ORDER BY'));
      const pagedWalk = /\bLIMIT\b/i.test(sql) && !sorted;
      const substringSearch = /LIKE @q/.test(sql);
      // The total of a whole list without a filter counts every row: it reads the smallest index, never the table.
      const wholeCount = /^\s*SELECT count\(\*\)/i.test(sql) && !/\bWHERE\b/i.test(sql);
      for (const step of steps) {
        const scanned = /^SCAN (\w+)/.exec(step)?.[1];
        if (scanned && !pagedWalk && !substringSearch && !(wholeCount && /COVERING INDEX/.test(step))) problems.push(`${step}\n    in ${sql.replace(/\s+/g, ' ').slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('a learner list page walks the name index and never sorts every learner it matches', () => {
    const pages = preparedSql(p.db).filter((sql) => /FROM learner l/.test(sql) && /ORDER BY l\.surname/.test(sql));
    expect(pages.length).toBeGreaterThan(4);
    for (const sql of pages) {
      const steps = plan(sql);
      expect(steps.some((s) => s.includes('USING INDEX learner_name')), sql).toBe(true);
      expect(steps.some((s) => s.startsWith('USE TEMP B-TREE')), sql).toBe(false);
    }
  });

  test('the session lookup on every request is a primary-key search', () => {
    const lookup = preparedSql(p.db).find((sql) => /FROM session s/.test(sql))!;
    expect(plan(lookup)).toContain('SEARCH s USING INDEX sqlite_autoindex_session_1 (id=?)');
  });
});
