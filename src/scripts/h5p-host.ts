// The lesson page's side of the H5P player. The player runs in a frame
// sandboxed without allow-same-origin (src/lib/server/h5p/player.ts): it has
// no cookies and cannot call our API. This script is the only bridge: it
// accepts messages from that frame alone, checks their shape, hands the frame
// the learner's saved state, and posts scored statements and state to the
// server with the page's CSRF token.

interface FrameMessage {
  tilts: 'h5p';
  type: 'ready' | 'started' | 'failed' | 'xapi' | 'state' | 'height' | 'active';
  statement?: unknown;
  state?: unknown;
  height?: unknown;
}

interface Outcome {
  counted: boolean;
  percent: number | null;
  passed: boolean;
  pending: boolean;
  lessonDone: boolean;
  courseCompleted: boolean;
}

const csrfToken = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';

/** 32 hex characters (crypto.randomUUID needs a secure context; an intranet server may be plain http). */
function randomKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const isMessage = (data: unknown): data is FrameMessage =>
  typeof data === 'object' && data !== null && (data as { tilts?: unknown }).tilts === 'h5p' && typeof (data as { type?: unknown }).type === 'string';

/** A score as the page's language writes it ("66,7 %" in Latvian and Russian, "66.7%" in English), as the server does. */
function percentText(percent: number): string {
  const lang = document.documentElement.lang || 'lv';
  const text = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(percent / 100);
  return lang === 'lv' ? text.replace(/\s?%/, '\u00a0%') : text;
}

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

for (const section of document.querySelectorAll<HTMLElement>('[data-h5p-activity]')) {
  const frame = section.querySelector<HTMLIFrameElement>('iframe');
  const status = section.querySelector<HTMLElement>('[data-h5p-status]');
  if (!frame || !status) continue;
  const d = section.dataset;
  const record = d.record === '1';
  const ids = { courseId: d.course ?? '', itemId: Number(d.item) };
  const attemptKey = randomKey();
  let savedState = d.state ?? '';
  let stateTimer: number | undefined;
  let pendingState: string | null = null;

  const say = (text: string, tone: 'ok' | 'bad' | '' = '') => {
    status.textContent = text;
    status.className = `notice ${tone}`.trim();
    status.hidden = false;
  };

  const post = (url: string, body: object) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken }, body: JSON.stringify({ ...ids, ...body }), keepalive: true });

  const flushState = () => {
    window.clearTimeout(stateTimer);
    stateTimer = undefined;
    if (!record || pendingState === null || pendingState === savedState) return;
    const state = pendingState;
    pendingState = null;
    post(d.stateUrl!, { state })
      .then((r) => {
        if (r.ok) savedState = state;
      })
      .catch(() => undefined);
  };
  window.addEventListener('pagehide', flushState);
  // The end of learning hours (terminal-client.ts) saves before signing out.
  window.addEventListener('tilts:save-now', flushState);

  const report = async (statement: unknown) => {
    if (!record) return;
    try {
      const response = await post(d.statementUrl!, { attemptKey, statement });
      if (response.status === 401) return say(d.msgSignedOut ?? '', 'bad');
      if (!response.ok) return say(d.msgNotSaved ?? '', 'bad');
      const outcome = (await response.json()) as Outcome;
      if (!outcome.counted) return;
      // "Finish the exercise to complete this lesson" is no longer true.
      if (outcome.lessonDone) for (const todo of document.querySelectorAll<HTMLElement>('[data-h5p-todo]')) todo.hidden = true;
      if (outcome.pending) say(d.msgPending ?? '', 'ok');
      else if (outcome.courseCompleted) say(d.msgCourseDone ?? '', 'ok');
      else if (outcome.passed) say(fill(d.msgPassed ?? '', { percent: percentText(outcome.percent ?? 100) }), 'ok');
      else say(fill(d.msgTryAgain ?? '', { percent: percentText(outcome.percent ?? 0), pass: d.pass ?? '' }));
    } catch {
      say(d.msgNotSaved ?? '', 'bad');
    }
  };

  window.addEventListener('message', (event) => {
    // Only this frame's window; its origin is opaque ("null"), so the source is what identifies it.
    if (event.source !== frame.contentWindow || !isMessage(event.data)) return;
    const message = event.data;
    switch (message.type) {
      case 'ready':
        frame.contentWindow?.postMessage({ tilts: 'init', state: savedState || null }, '*');
        break;
      case 'started':
        section.classList.add('h5p-started');
        break;
      case 'failed':
        say(d.msgFailed ?? '', 'bad');
        break;
      case 'height':
        if (typeof message.height === 'number' && Number.isFinite(message.height)) {
          frame.style.height = `${Math.min(Math.max(Math.round(message.height), 150), 6000)}px`;
        }
        break;
      case 'active':
        window.dispatchEvent(new Event('tilts:activity'));
        break;
      case 'xapi':
        window.dispatchEvent(new Event('tilts:activity'));
        void report(message.statement);
        break;
      case 'state':
        if (typeof message.state === 'string' && message.state.length <= 64 * 1024) {
          pendingState = message.state;
          window.clearTimeout(stateTimer);
          stateTimer = window.setTimeout(flushState, 2_000);
        }
        break;
    }
  });
}

export {};
