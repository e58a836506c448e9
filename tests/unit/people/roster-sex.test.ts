import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SYSTEM_ACTOR } from '../../../src/lib/server/audit.ts';
import { importRoster, previewRoster, type RosterActor, type RosterResult } from '../../../src/lib/server/people/roster.ts';
import { ROSTER_COLUMNS } from '../../../src/lib/server/people/roster-csv.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';

/** The optional `sex` column of the register (for counted breakdowns of the indicators). */
let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

const system: RosterActor = { kind: 'system', audit: SYSTEM_ACTOR };
const base = (n: string) => [n, 'Kalns', 'Pēteris', '1985', 'OLA', '2028-01-31', 'basic', 'B1', 'lv'];
const withSex = (...rows: Array<[string, string]>) => [[...ROSTER_COLUMNS, 'sex'].join(','), ...rows.map(([n, sex]) => [...base(n), sex].join(','))].join('\n') + '\n';
const without = (...numbers: string[]) => [ROSTER_COLUMNS.join(','), ...numbers.map((n) => base(n).join(','))].join('\n') + '\n';
const sexOf = (n: string) => p.db.prepare('SELECT sex FROM learner WHERE inmate_number = ?').pluck().get(n);
function report(result: RosterResult) {
  if (!result.ok) throw new Error(result.code);
  return result.report;
}

describe('the register may say M or F', () => {
  test('M, f and empty are accepted; anything else is refused with the reason on the sex column', async () => {
    const r = report(await importRoster(p.db, system, withSex(['401001', 'M'], ['401002', 'f'], ['401003', ''], ['401004', 'X'], ['401005', 'male'])));
    expect(r.counts.create).toBe(3);
    expect([sexOf('401001'), sexOf('401002'), sexOf('401003')]).toEqual(['M', 'F', null]);
    expect(r.rows.filter((x) => x.action === 'refused').map((x) => x.errors)).toEqual([
      [{ field: 'sex', reason: 'roster.error.sex' }],
      [{ field: 'sex', reason: 'roster.error.sex' }],
    ]);
  });

  test('a change of sex is an update; a file without the column leaves it as it was', async () => {
    report(await importRoster(p.db, system, withSex(['401001', 'M'])));
    expect(report(previewRoster(p.db, system, withSex(['401001', 'F']))).rows[0]).toMatchObject({ action: 'update', changes: ['sex'] });
    expect(report(await importRoster(p.db, system, without('401001'))).counts.unchanged).toBe(1);
    expect(sexOf('401001')).toBe('M');
  });
});
