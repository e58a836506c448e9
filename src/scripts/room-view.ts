// The supervisor's room view stays current without reloading: every few
// seconds it asks /api/supervise/room for the rows (already in the
// supervisor's language) and updates each terminal's cells and buttons in
// place. When terminals were added or removed it reloads the page, unless the
// supervisor is in the middle of writing a notice. Without JavaScript the
// page still works: it is correct as of its last load.
// The rows as the server builds them for the page and the poll alike (a type only: nothing of the server is bundled).
import type { RoomRow as Row } from '../lib/server/terminals/room-format.ts';

const host = document.querySelector<HTMLElement>('[data-room-poll]');
const POLL_MS = 5_000;

function setText(row: HTMLElement, cell: string, value: string): void {
  const el = row.querySelector<HTMLElement>(`[data-cell="${cell}"]`);
  if (el && el.textContent !== value) el.textContent = value;
}

function update(row: HTMLElement, data: Row): void {
  row.dataset.state = data.state;
  setText(row, 'learner', data.learner);
  setText(row, 'signedIn', data.signedIn);
  setText(row, 'activity', data.activity);
  setText(row, 'state', data.stateLabel);
  const state = row.querySelector<HTMLElement>('[data-cell="state"]');
  if (state) state.className = `room-state ${data.state}`;
  const end = row.querySelector<HTMLFormElement>('form[data-action="end"]');
  if (end) {
    end.hidden = data.learnerUserId === null;
    const field = end.querySelector<HTMLInputElement>('input[name="learnerUserId"]');
    if (field) field.value = data.learnerUserId === null ? '' : String(data.learnerUserId);
  }
  const lock = row.querySelector<HTMLFormElement>('form[data-action="lock"]');
  if (lock) lock.hidden = data.locked || data.state === 'disabled';
  const unlock = row.querySelector<HTMLFormElement>('form[data-action="unlock"]');
  if (unlock) unlock.hidden = !data.locked;
}

/** True while the supervisor is typing or choosing in a form: no reload then. */
function busy(): boolean {
  const active = document.activeElement;
  const message = document.querySelector<HTMLInputElement>('input[name="message"]');
  return Boolean((active && active.closest('form')) || message?.value);
}

if (host) {
  const url = host.dataset.roomPoll!;
  const updated = host.querySelector<HTMLElement>('[data-room-updated]');
  const offline = host.querySelector<HTMLElement>('[data-room-offline]');
  const template = updated?.textContent ?? '';
  // "… Updated 10:42." — the time is the last word; keep the sentence and replace it.
  const clockAt = template.search(/\d{1,2}[:.]\d{2}\D*$/);

  const poll = async (): Promise<void> => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' } });
      if (response.status === 401) {
        window.location.assign('/login?reason=idle');
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      const data = (await response.json()) as { updated: string; rows: Row[] };
      if (offline) offline.hidden = true;
      const shown = new Set([...document.querySelectorAll<HTMLElement>('tr[data-terminal]')].map((r) => Number(r.dataset.terminal)));
      const same = shown.size === data.rows.length && data.rows.every((r) => shown.has(r.id));
      if (!same && !busy()) {
        window.location.reload();
        return;
      }
      for (const r of data.rows) {
        const row = document.querySelector<HTMLElement>(`tr[data-terminal="${r.id}"]`);
        if (row) update(row, r);
      }
      for (const section of document.querySelectorAll<HTMLElement>('[data-room]')) {
        const rows = data.rows.filter((r) => r.roomId === Number(section.dataset.room));
        const summary = section.querySelector<HTMLElement>('[data-room-summary]');
        if (summary?.textContent) {
          const busyCount = rows.filter((r) => r.learnerUserId !== null).length;
          // "{busy} of {total}": the first number in the sentence is the busy count.
          summary.textContent = summary.textContent.replace(/\d+/, String(busyCount));
        }
      }
      if (updated && clockAt >= 0) updated.textContent = template.slice(0, clockAt) + template.slice(clockAt).replace(/\d{1,2}[:.]\d{2}/, data.updated);
    } catch {
      if (offline) offline.hidden = false;
    }
  };
  window.setInterval(() => void poll(), POLL_MS);
}

export {};
