import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { translator } from '../../../src/lib/i18n/index.ts';
import { barChart, safeSvg, seriesChart } from '../../../src/lib/server/indicators/charts.ts';
import { csvCell, reportXlsx, tableCsv } from '../../../src/lib/server/indicators/exports.ts';
import { indicatorReport } from '../../../src/lib/server/indicators/report.ts';
import { peopleCell } from '../../../src/lib/server/indicators/suppression.ts';
import type { ReportTable } from '../../../src/lib/server/indicators/tables.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { buildQuarter, Q1 } from './dataset.ts';

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());
const tr = translator('lv');
const tablesFor = (params: URLSearchParams) => {
  const r = indicatorReport(p.db, p.admin.user, params, tr, 'lv', '2026-04-15');
  if (!r.ok) throw new Error('refused');
  return r.tables;
};

async function readBack(bytes: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  return book;
}

describe('CSV files', () => {
  test('start with a byte order mark, and a cell that looks like a formula stays text', () => {
    expect(['=1+1', '+7', '-3', '@SUM(A1)', '\tx', '\rx', 'Olaine', 'a,b'].map(csvCell)).toEqual(["'=1+1", "'+7", "'-3", "'@SUM(A1)", "'\tx", '"\'\rx"', 'Olaine', '"a,b"']);
    const table: ReportTable = { id: 't', title: 'T', rowHeader: '=cmd|calc', columns: [{ label: 'N', kind: 'people' }], rows: [{ key: 'k', label: '@evil', cells: [peopleCell(2)] }], total: null };
    const csv = tableCsv(table);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toBe("\uFEFF'=cmd|calc,N\r\n'@evil,<5\r\n");
  });

  test('an empty period gives valid files with headers and zeros only', () => {
    const tables = tablesFor(new URLSearchParams({ period: 'year', year: '2011' }));
    const headline = tableCsv(tables.find((t) => t.id === 'headline')!);
    expect(headline.startsWith('\uFEFFRādītājs,Vērtība\r\n')).toBe(true);
    expect(tableCsv(tables.find((t) => t.id === 'by-prison')!)).toBe('\uFEFFIeslodzījuma vieta,Dalībnieki,Uzņemti,Pabeidza,Pārtrauca\r\nKopā,0,0,0,0\r\n');
  });
});

describe('the XLSX workbook', () => {
  test('has one sheet per table, read back by the library, with the suppressed marks and no names', async () => {
    buildQuarter(p);
    const tables = tablesFor(Q1);
    const book = await readBack(await reportXlsx(tables, { title: 'Rādītāji', period: '2026-01-01 – 2026-03-31' }));
    expect(book.worksheets.length).toBe(tables.length);
    expect(new Set(book.worksheets.map((s) => s.name)).size).toBe(tables.length);
    const prison = book.worksheets[tables.findIndex((t) => t.id === 'by-prison')]!;
    const values = prison.getSheetValues().flat().map(String);
    expect(values).toContain('<5');
    expect(values).toContain('≥5');
    const all = book.worksheets.flatMap((s) => s.getSheetValues().flat().map(String)).join(' ');
    expect(all).not.toMatch(/Bērziņš|Jānis|IX0\d{4}/);
    const headline = book.worksheets[0]!;
    expect(headline.getRow(3).values).toEqual([undefined, 'Dalībnieki', 9]);
  });

  test('an empty period is a valid workbook', async () => {
    const book = await readBack(await reportXlsx(tablesFor(new URLSearchParams({ period: 'month', month: '2011-05' })), { title: 'R', period: 'p' }));
    expect(book.worksheets.length).toBeGreaterThan(5);
  });
});

describe('charts are SVG our CSP accepts', () => {
  test('no style element or attribute, no script, no handler, no external reference; suppressed bars not drawn', () => {
    buildQuarter(p);
    const tables = tablesFor(Q1);
    const svgs = [seriesChart(tables.find((t) => t.id === 'monthly')!, 1, 'Uzņemti', String).svg, barChart('p', tables.find((t) => t.id === 'by-prison')!, 0, 'Pa cietumiem', String).svg];
    for (const svg of svgs) {
      expect(svg.startsWith('<svg role="img" aria-label=')).toBe(true);
      expect(svg).not.toMatch(/<style|style=|<script|\son\w+=|href=|url\(/i);
    }
    // By prison: both cells are hidden ("<5" and "≥5"): labels, no bars.
    expect(svgs[1]).toContain('&lt;5');
    expect(svgs[1]).not.toContain('<rect');
  });

  test('the sanitiser removes what a library might add', () => {
    expect(safeSvg('<svg x="1"><style>a{}</style><a href="http://x"><text>t</text></a><g style="fill:red" onclick="x()"></g></svg>', 'A "b"')).toBe(
      '<svg role="img" aria-label="A &quot;b&quot;" focusable="false" x="1"><g></g></svg>',
    );
  });
});
