/**
 * Small-cell suppression: figures about people leave the system only as
 * counts, and a count of 1–4 people is never shown (it could point at a
 * person in a small prison). Pure code, applied to every table before a page,
 * a chart or an export sees it.
 *
 * Rules (documented in the README, tested in tests/unit/indicators):
 * 1. Primary: a people count from 1 to MIN_CELL − 1 shows as "<5". Zero stays 0
 *    (it says nothing about anyone).
 * 2. Secondary: in a group of cells that add up to a shown total (a column of a
 *    breakdown, a month of a series), a single suppressed cell could be
 *    recomputed as total − the others. So when exactly one cell of a group is
 *    suppressed, the smallest other non-zero cell is suppressed too and shown
 *    as "≥5" (true, and not enough to recompute either); when there is no
 *    such cell, the total is suppressed instead.
 * 3. Derived figures follow their parts: a rate, a share or an average is
 *    hidden ("–") when a count it is computed from is suppressed, and a
 *    median needs at least MIN_CELL values.
 */

export const MIN_CELL = 5;

export type CellState = 'shown' | 'primary' | 'secondary' | 'hidden';

export interface Cell {
  /** The true value; exports and pages must use `text` (and `value` only when state is 'shown'). */
  readonly value: number | null;
  readonly state: CellState;
}

/** What a reader sees in the cell. */
export function cellText(cell: Cell, format: (n: number) => string = String): string {
  if (cell.value === null) return '–';
  switch (cell.state) {
    case 'shown': return format(cell.value);
    case 'primary': return `<${MIN_CELL}`;
    case 'secondary': return `≥${MIN_CELL}`;
    case 'hidden': return '–';
  }
}

/** The number a chart may draw: only shown values (a suppressed bar is not drawn). */
export function cellNumber(cell: Cell): number | null {
  return cell.state === 'shown' ? cell.value : null;
}

/** Primary suppression of one people count. */
export function peopleCell(n: number): Cell {
  return { value: n, state: n > 0 && n < MIN_CELL ? 'primary' : 'shown' };
}

/** A figure that is not a count of people (hours, days): never suppressed on its own. */
export function plainCell(n: number | null): Cell {
  return { value: n, state: 'shown' };
}

/** A derived figure (rate, share, average): hidden when any count it comes from is suppressed. */
export function derivedCell(n: number | null, parts: readonly Cell[]): Cell {
  return { value: n, state: parts.some((p) => p.state !== 'shown') ? 'hidden' : 'shown' };
}

/**
 * Secondary suppression of a group of cells that add up to `total`. Returns
 * the group and the total with the extra cells suppressed (new objects).
 */
export function protectGroup(cells: readonly Cell[], total: Cell): { cells: Cell[]; total: Cell } {
  const out = cells.map((c) => ({ ...c }));
  let sum = { ...total };
  const suppressed = () => out.filter((c) => c.state === 'primary' || c.state === 'secondary').length;
  // A suppressed total hides nothing more; with a shown total, one lone suppressed cell is recomputable.
  if (sum.state === 'shown' && suppressed() === 1) {
    let pick = -1;
    out.forEach((c, i) => {
      if (c.state === 'shown' && (c.value ?? 0) > 0 && (pick < 0 || (c.value ?? 0) < (out[pick]?.value ?? 0))) pick = i;
    });
    const chosen = out[pick];
    if (chosen) out[pick] = { value: chosen.value, state: 'secondary' };
    else sum = { ...sum, state: (sum.value ?? 0) < MIN_CELL ? 'primary' : 'secondary' };
  }
  return { cells: out, total: sum };
}
