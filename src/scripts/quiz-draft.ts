// The quiz form keeps what the learner has typed but not yet submitted: a
// moment after each change, when the page is left, and at once when learning
// hours are about to end ('tilts:save-now' from terminal-client.ts). The quiz
// page shows the saved answers again; submitting removes them on the server.
const form = document.querySelector<HTMLFormElement>('form[data-quiz-draft]');
const csrfToken = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
const DEBOUNCE_MS = 1_500;

if (form) {
  const url = form.dataset.quizDraft!;
  const status = form.querySelector<HTMLElement>('[data-draft-status]');
  const ids = { courseId: form.dataset.course ?? '', itemId: Number(form.dataset.item), version: Number(new FormData(form).get('version')) };
  let timer: number | undefined;
  let dirty = false;
  let submitting = false;

  const fields = (): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const [name, value] of new FormData(form)) {
      if (!/^q\d/.test(name) || typeof value !== 'string') continue;
      (out[name] ??= []).push(value);
    }
    return out;
  };

  const save = (): void => {
    window.clearTimeout(timer);
    timer = undefined;
    if (!dirty || submitting) return;
    dirty = false;
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
      body: JSON.stringify({ ...ids, fields: fields() }),
      keepalive: true,
    })
      .then((response) => {
        if (response.ok && status) status.textContent = status.dataset.msgSaved ?? '';
        else if (!response.ok && response.status !== 401) dirty = true;
      })
      .catch(() => {
        dirty = true;
      });
  };

  const changed = (): void => {
    dirty = true;
    if (status) status.textContent = '';
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DEBOUNCE_MS);
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  // The submitted attempt replaces the draft (the server removes it): no late save may bring it back.
  form.addEventListener('submit', () => {
    submitting = true;
    window.clearTimeout(timer);
  });
  window.addEventListener('pagehide', save);
  window.addEventListener('tilts:save-now', save);
}

export {};
