// Time on task: while this page is visible and the learner has done something
// in the last minute, tell the server every interval. The server credits at
// most one interval per heartbeat, so an open but unused tab counts nothing.
const host = document.querySelector<HTMLElement>('[data-heartbeat]');
const csrfToken = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
if (host) {
  const url = host.dataset.heartbeat!;
  const interval = Number(host.dataset.intervalMs) || 30_000;
  const body = JSON.stringify({ courseId: host.dataset.course, itemId: Number(host.dataset.item) });
  let lastActivity = Date.now();
  // 'tilts:activity': the learner works inside the H5P player's frame (h5p-host.ts), whose events do not reach this window.
  for (const type of ['keydown', 'pointerdown', 'pointermove', 'scroll', 'touchstart', 'input', 'tilts:activity']) {
    window.addEventListener(type, () => (lastActivity = Date.now()), { passive: true, capture: true });
  }
  const beat = () => {
    if (document.visibilityState !== 'visible' || Date.now() - lastActivity > 60_000) return;
    void fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken }, body, keepalive: true }).catch(() => {});
  };
  window.setInterval(beat, interval);
}

export {};
