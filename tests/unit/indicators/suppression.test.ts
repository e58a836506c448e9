import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { translator } from '../../../src/lib/i18n/index.ts';
import { indicatorReport } from '../../../src/lib/server/indicators/report.ts';
import { cellText, peopleCell, protectGroup, type Cell } from '../../../src/lib/server/indicators/suppression.ts';
import { tableCsv } from '../../../src/lib/server/indicators/exports.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { buildQuarter, Q1 } from './dataset.ts';

const texts = (cells: Cell[]) => cells.map((c) => cellText(c));

describe('a small count is never shown', () => {
  test('1 to 4 people show as "<5"; 0 and 5 or more are shown', () => {
    expect([0, 1, 4, 5, 12].map((n) => cellText(peopleCell(n)))).toEqual(['0', '<5', '<5', '5', '12']);
  });

  test('one suppressed cell in a group that adds up to a shown total: the next smallest is hidden too', () => {
    const g = protectGroup([peopleCell(3), peopleCell(20), peopleCell(9)], peopleCell(32));
    expect(texts(g.cells)).toEqual(['<5', '20', '≥5']);
    expect(cellText(g.total)).toBe('32');
  });

  test('two suppressed cells need nothing more; neither can be worked out alone', () => {
    const g = protectGroup([peopleCell(3), peopleCell(2), peopleCell(20)], peopleCell(25));
    expect(texts(g.cells)).toEqual(['<5', '<5', '20']);
  });

  test('when no other cell can hide it, the total is hidden', () => {
    const g = protectGroup([peopleCell(3), peopleCell(0)], peopleCell(3));
    expect(texts(g.cells)).toEqual(['<5', '0']);
    expect(cellText(g.total)).toBe('<5');
    const h = protectGroup([peopleCell(4), peopleCell(0), peopleCell(0)], { value: 9, state: 'shown' });
    expect(h.total.state).not.toBe('shown');
  });
});

describe('the report keeps small cells hidden everywhere', () => {
  let p: Prison & { cleanup: () => void };
  beforeEach(async () => {
    p = await createPrison();
    buildQuarter(p);
  });
  afterEach(() => p.cleanup());
  const tr = translator('en');
  const tables = () => {
    const r = indicatorReport(p.db, p.admin.user, Q1, tr, 'en', '2026-04-15');
    if (!r.ok) throw new Error('refused');
    return r.tables;
  };

  test('a prison of one participant shows "<5", and the other prison is hidden so the total cannot give it away', () => {
    const byPrison = tables().find((t) => t.id === 'by-prison')!;
    const participants = byPrison.rows.map((r) => cellText(r.cells[0]!));
    expect(participants.sort()).toEqual(['<5', '≥5']);
    expect(cellText(byPrison.total!.cells[0]!)).toBe('9');
  });

  test('no table cell anywhere recomputes a suppressed one from its total', () => {
    for (const t of tables()) {
      if (!t.total) continue;
      t.columns.forEach((col, i) => {
        if (col.kind !== 'people' || (t.id === 'monthly' && i === 0)) return;
        const cells = t.rows.map((r) => r.cells[i]!);
        const hidden = cells.filter((c) => c.state === 'primary' || c.state === 'secondary').length;
        if (t.total!.cells[i]!.state === 'shown') expect(hidden === 0 || hidden >= 2, `${t.id} column ${col.label}`).toBe(true);
      });
    }
  });

  test('a rate built from a suppressed count is hidden; the median needs five places', () => {
    const headline = tables().find((t) => t.id === 'headline')!;
    const row = (k: string) => cellText(headline.rows.find((r) => r.key === k)!.cells[0]!);
    // 5 completions and 2 drop-outs: 2 is suppressed, so the 71 % would give it away.
    expect(row('dropouts')).toBe('<5');
    expect(row('completionRate')).toBe('–');
    expect(row('releasedWithDocumentShare')).toBe('–');
    expect(row('medianDaysToPlace')).toBe('5');
  });

  test('no name, inmate number or birth year reaches any table or export', () => {
    const all = tables().map(tableCsv).join('\n');
    expect(all).not.toMatch(/Bērziņš|Jānis|IX0\d{4}|\b19[89]\d\b|\b2002\b/);
  });
});
