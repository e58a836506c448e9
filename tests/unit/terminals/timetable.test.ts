import { describe, expect, test } from 'vitest';
import { availability, instantOf, isOpen, localTime, nextOpening, windowEnd, type Slot, type Timetable } from '../../../src/lib/server/terminals/timetable.ts';

const weekdays = (from: string, to: string, days = [1, 2, 3, 4, 5, 6, 7]): Slot[] => days.map((weekday) => ({ weekday, startsAt: from, endsAt: to }));
const tt = (slots: readonly Slot[], holidays: string[] = []): Timetable => ({ slots, holidays: new Set(holidays) });
/** An instant given as Riga wall-clock time with its offset, e.g. '2026-03-02T08:00+02:00'. */
const at = (iso: string) => Date.parse(iso);

describe('learning hours in Riga time', () => {
  const office = tt(weekdays('08:00', '12:00', [1, 2, 3, 4, 5]));

  test('open inside a slot, closed at its end and outside it; the window ends at the slot end', () => {
    expect(isOpen(office, at('2026-03-02T08:00+02:00'))).toBe(true); // Monday
    expect(isOpen(office, at('2026-03-02T11:59+02:00'))).toBe(true);
    expect(isOpen(office, at('2026-03-02T12:00+02:00'))).toBe(false);
    expect(isOpen(office, at('2026-03-02T07:59+02:00'))).toBe(false);
    expect(isOpen(office, at('2026-03-07T09:00+02:00'))).toBe(false); // Saturday
    expect(windowEnd(office, at('2026-03-02T09:00+02:00'))).toBe(at('2026-03-02T12:00+02:00'));
  });

  test('closed on Friday afternoon: learning opens next on Monday morning', () => {
    expect(availability(office, at('2026-03-06T13:00+02:00'))).toEqual({ open: false, opensAt: at('2026-03-09T08:00+02:00') });
  });

  test('a holiday closes the day and the next opening skips it', () => {
    const withHoliday = tt(office.slots, ['2026-06-24']);
    expect(isOpen(withHoliday, at('2026-06-24T09:00+03:00'))).toBe(false);
    expect(nextOpening(withHoliday, at('2026-06-23T13:00+03:00'))).toBe(at('2026-06-25T08:00+03:00'));
  });

  test('a slot to 24:00 and one from 00:00 the next day make one window across midnight', () => {
    const night = tt([{ weekday: 1, startsAt: '20:00', endsAt: '24:00' }, { weekday: 2, startsAt: '00:00', endsAt: '02:00' }]);
    expect(isOpen(night, at('2026-03-02T23:59+02:00'))).toBe(true);
    expect(isOpen(night, at('2026-03-03T00:30+02:00'))).toBe(true);
    expect(windowEnd(night, at('2026-03-02T21:00+02:00'))).toBe(at('2026-03-03T02:00+02:00'));
    // The 00:00 continuation is not a new opening.
    expect(nextOpening(night, at('2026-03-02T10:00+02:00'))).toBe(at('2026-03-02T20:00+02:00'));
    expect(nextOpening(night, at('2026-03-02T21:00+02:00'))).toBe(at('2026-03-09T20:00+02:00'));
  });

  test('a slot ending at 24:00 before a holiday ends at midnight', () => {
    const late = tt(weekdays('18:00', '24:00').concat(weekdays('00:00', '01:00')), ['2026-03-03']);
    expect(windowEnd(late, at('2026-03-02T19:00+02:00'))).toBe(at('2026-03-03T00:00+02:00'));
  });

  test('spring forward (29 March 2026, 03:00 becomes 04:00): slots are wall-clock time, the window is an hour shorter', () => {
    const early = tt(weekdays('02:00', '05:00'));
    expect(localTime(at('2026-03-29T04:30+03:00'))).toMatchObject({ date: '2026-03-29', weekday: 7 });
    expect(isOpen(early, at('2026-03-29T02:30+02:00'))).toBe(true);
    expect(isOpen(early, at('2026-03-29T04:30+03:00'))).toBe(true);
    expect(windowEnd(early, at('2026-03-29T02:30+02:00'))).toBe(at('2026-03-29T05:00+03:00'));
    // 03:30 never happens that day: it means the first moment after the gap.
    expect(instantOf('2026-03-29', 3 * 60 + 30)).toBe(at('2026-03-29T04:00+03:00'));
    expect(availability(tt(weekdays('03:30', '06:00')), at('2026-03-29T02:00+02:00'))).toEqual({ open: false, opensAt: at('2026-03-29T04:00+03:00') });
  });

  test('fall back (25 October 2026, 04:00 becomes 03:00): the repeated hour is open twice, the window an hour longer', () => {
    const early = tt(weekdays('02:00', '05:00'));
    expect(isOpen(early, at('2026-10-25T03:30+03:00'))).toBe(true);
    expect(isOpen(early, at('2026-10-25T03:30+02:00'))).toBe(true);
    expect(windowEnd(early, at('2026-10-25T02:30+03:00'))).toBe(at('2026-10-25T05:00+02:00'));
    expect(windowEnd(early, at('2026-10-25T02:30+03:00'))! - at('2026-10-25T02:30+03:00')).toBe(3.5 * 3_600_000);
  });

  test('no slots: always closed, no opening', () => {
    expect(availability(tt([]), at('2026-03-02T09:00+02:00'))).toEqual({ open: false, opensAt: null });
  });

  test('open round the clock: the window still has an end', () => {
    const always = tt(weekdays('00:00', '24:00'));
    const now = at('2026-03-02T09:00+02:00');
    expect(isOpen(always, now)).toBe(true);
    expect(windowEnd(always, now)).toBeGreaterThan(now + 300 * 86_400_000);
  });
});
