// A learner on a terminal: ten minutes before the learning window closes a
// warning; at the close unsaved work is saved first (H5P state flushes on
// 'tilts:save-now'), then the page goes to the sign-in page saying why. Every
// 6 s it asks the server whether the session still stands (another sign-in,
// the supervisor, a lock end it) and for new notices from the supervisor.
// The server enforces all of this whatever this script does.
const body = document.body;
const url = body.dataset.terminalStatus;
const dialog = document.getElementById('hours-warning') as HTMLDialogElement | null;
const region = document.getElementById('terminal-notices');
const WARN_MS = 10 * 60_000;
// How often the page asks (one small query; 300 terminals make 50 requests a second).
const POLL_MS = 6_000;
// Work is saved this long before the server ends the session, while saving still works.
const SAVE_AHEAD_MS = 20_000;
let closesAt = Number(body.dataset.closesAt);
let lastNotice = Number(sessionStorage.getItem('tilts:lastNotice') ?? '0') || 0;
let leaving = false;

function leave(reason: string): void {
  if (leaving) return;
  leaving = true;
  window.dispatchEvent(new Event('tilts:save-now'));
  // Give the saves (sent with keepalive) a moment before the page goes.
  window.setTimeout(() => window.location.assign(`/login?reason=${encodeURIComponent(reason)}`), 800);
}

function show(message: string): void {
  if (!region) return;
  const item = document.createElement('p');
  item.className = 'notice warn';
  item.textContent = message;
  region.append(item);
}

let polling = false;
async function poll(): Promise<void> {
  // One question at a time, and none once the page is leaving (its session cookie may already be gone).
  if (leaving || polling) return;
  polling = true;
  try {
    const response = await fetch(`${url}?after=${lastNotice}`, { headers: { Accept: 'application/json' } });
    if (response.status === 401) {
      const { reason } = (await response.json().catch(() => ({}))) as { reason?: string | null };
      leave(reason ?? 'expired');
      return;
    }
    if (response.ok) {
      const data = (await response.json()) as { closesAt: number; notices: Array<{ id: number; message: string }> };
      closesAt = data.closesAt;
      for (const n of data.notices) {
        show(n.message);
        lastNotice = Math.max(lastNotice, n.id);
      }
      sessionStorage.setItem('tilts:lastNotice', String(lastNotice));
    }
  } catch {
    // Network trouble: the next poll tries again.
  } finally {
    polling = false;
  }
}

function tick(): void {
  const left = closesAt - Date.now();
  if (left <= SAVE_AHEAD_MS) {
    leave('hours_over');
    return;
  }
  if (left <= WARN_MS && dialog && !dialog.open && !dialog.dataset.seen) {
    dialog.dataset.seen = '1';
    dialog.showModal();
  }
  window.setTimeout(tick, Math.min(5_000, Math.max(250, left - WARN_MS)));
}

dialog?.querySelector('button')?.addEventListener('click', () => dialog.close());
if (url && Number.isFinite(closesAt)) {
  tick();
  void poll();
  window.setInterval(() => void poll(), POLL_MS);
}

export {};
