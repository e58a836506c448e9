import type { Locale } from '../../shared/domain.ts';
import { translator } from '../../i18n/index.ts';
import { formatClock } from '../../shared/hours-format.ts';
import type { RoomTerminal } from './room.ts';

/**
 * One row of the room view as the supervisor reads it, in their language:
 * the same for the server-rendered page and the JSON its script polls.
 */
export interface RoomRow {
  id: number;
  roomId: number;
  name: string;
  state: RoomTerminal['state'];
  stateLabel: string;
  /** "Given Surname (inmate number)", empty when free. */
  learner: string;
  /** "signed in 10:42". */
  signedIn: string;
  /** "Course — Lesson (lesson)", or "has not opened a lesson yet". */
  activity: string;
  /** The learner's user id (the end-session form repeats it), null when free. */
  learnerUserId: number | null;
  locked: boolean;
}

export function roomRow(t: RoomTerminal, locale: Locale, now = Date.now()): RoomRow {
  const tr = translator(locale);
  const l = t.learner;
  const minutes = l ? Math.max(1, Math.floor((now - l.stateSince) / 60_000)) : 0;
  const activity = !l
    ? ''
    : l.courseTitle && l.itemTitle
      ? `${l.courseTitle[locale] || l.courseTitle.lv} — ${l.itemTitle}${l.itemKind ? ` (${tr(`room.kind.${l.itemKind}`)})` : ''}`
      : tr('room.noActivity');
  return {
    id: t.id,
    roomId: t.roomId,
    name: t.name,
    state: t.state,
    stateLabel: t.state === 'idle' ? tr('room.state.idle', { minutes }) : tr(`room.state.${t.state}`),
    learner: l ? `${l.name} (${l.inmateNumber})` : '',
    signedIn: l ? tr('room.signedInAt', { time: formatClock(l.signedInAt, locale) }) : '',
    activity,
    learnerUserId: l?.userId ?? null,
    locked: t.state === 'locked',
  };
}
