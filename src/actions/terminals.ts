import { z } from 'zod';
import { defineAction } from './runner.ts';
import { approveSchema, approveTerminal, changeTerminal, createRoom, lockSchema, moveSchema, renameSchema, roomSchema } from '../lib/server/terminals/terminals.ts';
import { endSessionOnTerminal, endSessionSchema, lockTerminalSchema, noticeSchema, sendNotice, setTerminalLock } from '../lib/server/terminals/room.ts';
import { addSlot, holidaySchema, removeHoliday, removeSlot, setHoliday, slotSchema } from '../lib/server/terminals/hours.ts';

/**
 * The supervisor's pages: the live room view, the terminals and rooms, the
 * learning hours. Their forms post to `?do=<intent>` (so the row buttons of
 * the room view work without JavaScript and its script can post the same).
 */

/** The room view's buttons and notice form; success returns to the view (with its room filter) saying what was done. */
export function roomViewActions(roomFilter: number | null) {
  const back = (done: string) => `/supervise?${new URLSearchParams({ ...(roomFilter ? { room: String(roomFilter) } : {}), done })}`;
  const setLock = (locked: boolean) =>
    defineAction({
      input: lockTerminalSchema,
      invalid: 'room.notFound',
      run: (input, { db, user, locals }) => setTerminalLock(db, user, input.terminalId, locked, locals.clientIp, Date.now(), input.reason),
      redirect: () => back(locked ? 'locked' : 'unlocked'),
    });
  return {
    /** Ends the learner's session on a terminal. */
    end: defineAction({
      input: endSessionSchema,
      invalid: 'room.notFound',
      run: (input, { db, user, locals }) => endSessionOnTerminal(db, user, input, locals.clientIp),
      redirect: () => back('ended'),
    }),
    lock: setLock(true),
    unlock: setLock(false),
    /** A notice to one terminal or a whole room. */
    notice: defineAction({
      input: noticeSchema,
      fields: { 'room.notFound': 'target', 'room.noSession': 'target', 'room.sessionChanged': 'target' },
      run: (input, { db, user, locals }) => sendNotice(db, user, input, locals.clientIp),
      redirect: (result) => back(`notice-${result.count ?? 0}`),
    }),
  };
}

/** The terminals page: approve a device by its code, add a room. */
export const terminalListActions = {
  approve: defineAction({
    input: approveSchema,
    run: (input, { db, user, locals }) => approveTerminal(db, user, input, locals.clientIp),
    redirect: (result) => `/supervise/terminals/${result.terminalId}?done=approved`,
  }),
  room: defineAction({
    input: roomSchema,
    fields: { 'auth.forbidden': 'facilityId' },
    done: 'terminal.roomCreated',
    run: (input, { db, user, locals }) => createRoom(db, user, input, locals.clientIp),
  }),
};

/** One terminal's page: rename, move, lock, switch off or on, revoke. */
export function terminalActions(terminalId: number) {
  const saved = () => `/supervise/terminals/${terminalId}?done=saved`;
  const plain = (kind: 'unlock' | 'disable' | 'enable' | 'revoke') =>
    defineAction({
      input: z.object({}),
      run: (_input, { db, user, locals }) => changeTerminal(db, user, terminalId, { kind }, locals.clientIp),
      redirect: () => (kind === 'revoke' ? '/supervise/terminals' : saved()),
    });
  return {
    rename: defineAction({
      input: renameSchema,
      run: (input, { db, user, locals }) => changeTerminal(db, user, terminalId, { kind: 'rename', name: input.name }, locals.clientIp),
      redirect: saved,
    }),
    move: defineAction({
      input: moveSchema,
      run: (input, { db, user, locals }) => changeTerminal(db, user, terminalId, { kind: 'move', roomId: input.roomId }, locals.clientIp),
      redirect: saved,
    }),
    lock: defineAction({
      input: lockSchema,
      run: (input, { db, user, locals }) => changeTerminal(db, user, terminalId, { kind: 'lock', reason: input.reason }, locals.clientIp),
      redirect: saved,
    }),
    unlock: plain('unlock'),
    disable: plain('disable'),
    enable: plain('enable'),
    revoke: plain('revoke'),
  };
}

/** A prison's learning hours: weekly slots and holidays. */
export function timetableActions(facilityId: number) {
  const saved = () => `/supervise/timetable?facility=${facilityId}&done=1`;
  return {
    addSlot: defineAction({
      input: slotSchema,
      run: (input, { db, user, locals }) => addSlot(db, user, facilityId, input, locals.clientIp),
      redirect: saved,
    }),
    removeSlot: defineAction({
      input: z.object({
        /** The slot's id (the row's button posts it in the address). */
        slot: z.coerce.number().int().positive(),
      }),
      query: ['slot'],
      invalid: 'validation.badForm',
      run: (input, { db, user, locals }) => removeSlot(db, user, facilityId, input.slot, locals.clientIp),
      redirect: saved,
    }),
    addHoliday: defineAction({
      input: holidaySchema,
      run: (input, { db, user, locals }) => setHoliday(db, user, facilityId, input, locals.clientIp),
      redirect: saved,
    }),
    removeHoliday: defineAction({
      input: z.object({
        /** The holiday's date (the row's button posts it in the address). */
        date: z.string().max(10),
      }),
      query: ['date'],
      invalid: 'validation.badForm',
      run: (input, { db, user, locals }) => removeHoliday(db, user, facilityId, input.date, locals.clientIp),
      redirect: saved,
    }),
  };
}
