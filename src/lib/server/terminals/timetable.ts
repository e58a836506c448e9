/**
 * Learning hours: the pure rules. A facility's timetable is a set of weekly
 * slots (weekday 1 Monday .. 7 Sunday, 'HH:MM' start and end in Europe/Riga
 * wall-clock time) and a set of holiday dates when nothing is open.
 *
 * Decisions taken here:
 * - A slot lies within one local day; '24:00' is allowed as an end. A slot
 *   ending at 24:00 and one starting at 00:00 on the next (non-holiday) day
 *   form one window across midnight, so a night shift is two slots.
 * - Open means: the instant's local wall-clock time lies in [start, end) of a
 *   slot of its local weekday, and its local date is no holiday. On the
 *   autumn day the clock goes back (03:00–03:59 happens twice) both instants
 *   count; on the spring day the missing hour (03:00–03:59) never happens, so
 *   a slot boundary inside it means the first moment after the gap.
 * - Adjacent or overlapping slots of a day merge into one window.
 */

export const TIME_ZONE = 'Europe/Riga';

export interface Slot {
  /** 1 Monday .. 7 Sunday. */
  weekday: number;
  /** 'HH:MM', 00:00..23:59. */
  startsAt: string;
  /** 'HH:MM', after startsAt, at most 24:00. */
  endsAt: string;
}

export interface Timetable {
  slots: readonly Slot[];
  /** 'YYYY-MM-DD' local dates without learning hours. */
  holidays: ReadonlySet<string>;
}

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
/** How far ahead a window or the next opening is looked for. */
const HORIZON_DAYS = 400;

const formatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface LocalTime {
  /** 'YYYY-MM-DD' */
  date: string;
  /** 1 Monday .. 7 Sunday */
  weekday: number;
  /** Minutes since local midnight (fractional: seconds included). */
  minutes: number;
}

/** 'HH:MM' → minutes since midnight. */
export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The Riga wall-clock reading of an instant. */
export function localTime(at: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter.formatToParts(new Date(at))) parts[p.type] = p.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const minutes = Number(parts.hour) * 60 + Number(parts.minute) + Number(parts.second) / 60 + (at % 1000) / MINUTE;
  return { date, weekday: weekdayOf(date), minutes };
}

/** The wall-clock reading as if it were UTC, in ms (for offset arithmetic). */
function wallMs(at: number): number {
  const { date, minutes } = localTime(at);
  return Date.parse(`${date}T00:00:00Z`) + Math.round(minutes * MINUTE);
}

/**
 * The instant at which Riga's clock shows `minutes` (0..1440) on `date`. In
 * the autumn's repeated hour the earlier instant; in the spring's missing hour
 * the first instant after the gap.
 */
export function instantOf(date: string, minutes: number): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE;
  // Riga is UTC+2 or UTC+3: try the larger offset first (the earlier instant).
  for (const offsetHours of [3, 2]) {
    const at = wall - offsetHours * 3_600_000;
    if (wallMs(at) === wall) return at;
  }
  // In the spring gap: the first minute whose clock reading is past `wall`.
  let at = wall - 3 * 3_600_000;
  while (wallMs(at) < wall) at += MINUTE;
  return at;
}

function slotsOf(tt: Timetable, date: string): Array<{ start: number; end: number }> {
  if (tt.holidays.has(date)) return [];
  const weekday = weekdayOf(date);
  return tt.slots
    .filter((s) => s.weekday === weekday)
    .map((s) => ({ start: toMinutes(s.startsAt), end: toMinutes(s.endsAt) }))
    .sort((a, b) => a.start - b.start);
}

/** Is learning open at `at`? */
export function isOpen(tt: Timetable, at: number): boolean {
  const { date, minutes } = localTime(at);
  return slotsOf(tt, date).some((s) => s.start <= minutes && minutes < s.end);
}

/**
 * When the window open at `at` closes (merging adjacent slots and windows
 * that run through midnight); null when closed at `at`. A timetable open
 * round the clock yields the end of the look-ahead horizon.
 */
export function windowEnd(tt: Timetable, at: number): number | null {
  const now = localTime(at);
  let date = now.date;
  let slots = slotsOf(tt, date);
  const current = slots.find((s) => s.start <= now.minutes && now.minutes < s.end);
  if (!current) return null;
  let end = current.end;
  for (let day = 0; day < HORIZON_DAYS; day++) {
    let grew = true;
    while (grew) {
      grew = false;
      for (const s of slots) if (s.start <= end && s.end > end) (end = s.end), (grew = true);
    }
    if (end < DAY_MINUTES) return instantOf(date, end);
    date = addDays(date, 1);
    slots = slotsOf(tt, date);
    if (!slots.some((s) => s.start === 0)) return instantOf(date, 0);
    end = 0;
  }
  return instantOf(date, 0);
}

/** The next instant after `at` when learning opens (null: no slot within the horizon). */
export function nextOpening(tt: Timetable, at: number): number | null {
  const now = localTime(at);
  for (let day = 0; day < HORIZON_DAYS; day++) {
    const date = addDays(now.date, day);
    for (const s of slotsOf(tt, date)) {
      const opens = instantOf(date, s.start);
      // A slot that is a continuation of the previous day's window is no opening.
      if (opens > at && !(s.start === 0 && isOpen(tt, opens - MINUTE))) return opens;
    }
  }
  return null;
}

/** One rule set for all callers: open now, until when, or when it opens next. */
export type Availability = { open: true; closesAt: number } | { open: false; opensAt: number | null };

export function availability(tt: Timetable, at: number): Availability {
  const closesAt = windowEnd(tt, at);
  if (closesAt !== null) return { open: true, closesAt };
  return { open: false, opensAt: nextOpening(tt, at) };
}
