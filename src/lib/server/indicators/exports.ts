import ExcelJS from 'exceljs';
import { cellText, type Cell } from './suppression.ts';
import type { ReportTable } from './tables.ts';

/**
 * The report's tables as files: one CSV per table and one XLSX workbook with
 * a sheet per table. Both are made from the suppressed tables, so what the
 * page hides ("<5", "≥5", "–") is hidden in the files too; a number is
 * written only when it may be shown.
 */

/** A CSV cell: text a spreadsheet never runs as a formula, quoted when needed. */
export function csvCell(value: string | number): string {
  const s = String(value);
  // Formula injection: = + - @ tab and CR start a formula or are read as one; prefix with '.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A shown number as it is written in files (a dot for decimals); a suppressed cell as its mark. */
function fileValue(cell: Cell): string | number {
  return cell.state === 'shown' && cell.value !== null ? cell.value : cellText(cell);
}

function lines(table: ReportTable): Array<Array<string | number>> {
  const rows = table.total ? [...table.rows, table.total] : table.rows;
  return [[table.rowHeader, ...table.columns.map((c) => c.label)], ...rows.map((r) => [r.label, ...r.cells.map(fileValue)])];
}

/** One table as CSV: UTF-8 with a byte order mark (spreadsheet programs need it for ā, č, ж), CRLF lines. */
export function tableCsv(table: ReportTable): string {
  return '\uFEFF' + lines(table).map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** An Excel sheet name: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 28) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i += 1) name = `${base} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/** The whole report as an XLSX workbook, one sheet per table (headings bold, a frozen header row). */
export async function reportXlsx(tables: ReportTable[], meta: { title: string; period: string }): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Tilts';
  book.title = meta.title;
  const taken = new Set<string>();
  for (const table of tables) {
    const sheet = book.addWorksheet(sheetName(table.title, taken), { views: [{ state: 'frozen', ySplit: 2 }] });
    sheet.addRow([`${table.title} — ${meta.period}`]).font = { bold: true };
    const [head = [], ...body] = lines(table);
    sheet.addRow(head).font = { bold: true };
    for (const r of body) {
      // Text that looks like a formula stays text: exceljs writes strings as strings, never as formulas.
      sheet.addRow(r);
    }
    if (table.total) sheet.lastRow!.font = { bold: true };
    sheet.getColumn(1).width = Math.min(60, Math.max(14, ...body.map((r) => String(r[0]).length + 2)));
    for (let i = 2; i <= head.length; i += 1) sheet.getColumn(i).width = Math.max(12, String(head[i - 1]).length + 2);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
