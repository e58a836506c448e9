// Idle warning: shows a dialog shortly before the session would end for
// inactivity, lets the person stay signed in, and returns to the sign-in page
// when time is up. The server enforces the timeout whatever this script does.
const csrfToken = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
const body = document.body;
const warnMs = Number(body.dataset.idleWarnMs);
let deadline = Date.now() + Number(body.dataset.idleLeftMs);
const dialog = document.getElementById('idle-warning') as HTMLDialogElement | null;
const form = dialog?.querySelector('form');

function tick(): void {
  const left = deadline - Date.now();
  if (left <= 0) {
    window.location.assign('/login?reason=idle');
    return;
  }
  if (left <= warnMs && dialog && !dialog.open) dialog.showModal();
  window.setTimeout(tick, Math.min(5_000, Math.max(250, left - warnMs)));
}

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch('/api/session/touch', { method: 'POST', headers: { Accept: 'application/json', 'X-CSRF-Token': csrfToken } });
  if (!response.ok) {
    window.location.assign('/login?reason=idle');
    return;
  }
  const { idleLeftMs } = (await response.json()) as { idleLeftMs: number };
  deadline = Date.now() + idleLeftMs;
  dialog?.close();
});

if (Number.isFinite(deadline) && Number.isFinite(warnMs)) tick();

export {};
