// @ts-check
/*
 * Runs inside the sandboxed H5P player frame (an opaque origin: no cookies,
 * no storage, no access to the page around it). It starts h5p-standalone
 * when the parent page sends the learner's saved state, and reports back to
 * the parent only: scored xAPI statements, the state to save, its height.
 * The parent checks every message and alone talks to the server.
 */
(function () {
  'use strict';

  // A sandboxed document throws on localStorage/sessionStorage; H5P core reads
  // them unguarded. A memory store per page is all H5P needs them for here.
  /** @returns {Storage} */
  function memoryStorage() {
    /** @type {Map<string, string>} */
    const items = new Map();
    return /** @type {Storage} */ ({
      getItem: (k) => (items.has(k) ? /** @type {string} */ (items.get(k)) : null),
      setItem: (k, v) => void items.set(String(k), String(v)),
      removeItem: (k) => void items.delete(k),
      clear: () => items.clear(),
      key: (i) => [...items.keys()][i] ?? null,
      get length() {
        return items.size;
      },
    });
  }
  for (const name of /** @type {const} */ (['localStorage', 'sessionStorage'])) {
    try {
      void window[name];
    } catch {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
    }
  }

  const container = /** @type {HTMLElement} */ (document.getElementById('h5p-container'));
  /** @type {{ contentId: number, base: string, player: string }} */
  const config = JSON.parse(container.dataset.config || '{}');
  const SCORED = ['http://adlnet.gov/expapi/verbs/answered', 'http://adlnet.gov/expapi/verbs/completed'];

  /** @param {Record<string, unknown>} message */
  function tell(message) {
    // The parent's origin cannot be named from an opaque origin; the parent checks that the message comes from this frame.
    window.parent.postMessage(Object.assign({ tilts: 'h5p' }, message), '*');
  }

  /** @type {string | null} */
  let lastState = null;
  function reportState() {
    const h5p = /** @type {any} */ (window).H5P;
    const instance = h5p && h5p.instances && h5p.instances[0];
    if (!instance || typeof instance.getCurrentState !== 'function') return;
    let state;
    try {
      state = instance.getCurrentState();
    } catch {
      return;
    }
    const json = state === undefined || state === null ? null : JSON.stringify(state);
    if (json === lastState || json === null) return;
    lastState = json;
    tell({ type: 'state', state: json });
  }

  let lastHeight = 0;
  function reportHeight() {
    // The content's own height (the document's would never shrink below the frame's).
    const height = Math.ceil(container.getBoundingClientRect().bottom + 8);
    if (Math.abs(height - lastHeight) < 2) return;
    lastHeight = height;
    tell({ type: 'height', height });
  }

  /** @param {string | null} state */
  function start(state) {
    const H5PStandalone = /** @type {any} */ (window).H5PStandalone;
    /** @type {Record<string, unknown>} */
    const options = {
      id: String(config.contentId),
      embedType: 'div',
      h5pJsonPath: config.base,
      contentJsonPath: `${config.base}/content`,
      librariesPath: `${config.base}/libraries`,
      frameJs: `${config.player}/frame.bundle.js`,
      frameCss: `${config.player}/styles/h5p.css`,
      frame: false,
      copyright: false,
      export: false,
      embed: false,
      icon: false,
      fullScreen: false,
      xAPIObjectIRI: `urn:tilts:h5p:${config.contentId}`,
      // H5P core restores a previous state only when saveFreq is set. With no `user`, H5P itself
      // posts nothing: reportState() reads the state and the parent saves it.
      saveFreq: 30,
    };
    // H5P core's format: per sub-content id (0: the content itself), per data type, a JSON string.
    if (state) options.contentUserData = [{ state }];
    new H5PStandalone.H5P(container, options)
      .then(() => {
        const H5P = /** @type {any} */ (window).H5P;
        H5P.externalDispatcher.on('xAPI', (/** @type {any} */ event) => {
          const statement = event && event.data && event.data.statement;
          if (!statement || !statement.verb || !SCORED.includes(statement.verb.id)) return;
          tell({ type: 'xapi', statement });
          reportState();
        });
        setInterval(reportState, 10_000);
        window.addEventListener('pagehide', reportState);
        new ResizeObserver(reportHeight).observe(container);
        reportHeight();
        tell({ type: 'started' });
      })
      .catch(() => tell({ type: 'failed' }));
  }

  // The learner is working here: the parent's time-on-task counter cannot see events inside this frame,
  // and what they changed is saved soon after (not only every 10 seconds).
  let lastActive = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let stateSoon;
  for (const type of ['keydown', 'pointerdown', 'input', 'change']) {
    window.addEventListener(
      type,
      () => {
        clearTimeout(stateSoon);
        stateSoon = setTimeout(reportState, 1_000);
        if (Date.now() - lastActive < 15_000) return;
        lastActive = Date.now();
        tell({ type: 'active' });
      },
      { passive: true, capture: true },
    );
  }

  let started = false;
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || started) return;
    const data = event.data;
    if (!data || data.tilts !== 'init') return;
    started = true;
    start(typeof data.state === 'string' ? data.state : null);
  });
  // Say "ready" until the parent answers: its script may start after this frame has loaded.
  window.addEventListener('DOMContentLoaded', () => {
    let tries = 0;
    const hello = () => {
      if (started || tries++ > 60) return;
      tell({ type: 'ready' });
      setTimeout(hello, 500);
    };
    hello();
  });
})();
