// The lesson editor's live preview: a moment after the teacher stops typing,
// the text goes to /api/author/preview and the preview beside it is replaced
// by the server's rendering (the learners' pipeline: HTML disabled, outside
// links as text). Without JavaScript the form's "Show preview" button does the
// same with a full page; with it, that button is not needed and is hidden.
const form = document.querySelector<HTMLFormElement>('form[data-live-preview]');
const csrfToken = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
const DEBOUNCE_MS = 500;

if (form) {
  const url = form.dataset.livePreview!;
  const courseId = form.dataset.course ?? '';
  const body = form.querySelector<HTMLTextAreaElement>('textarea[name="body"]');
  const target = document.querySelector<HTMLElement>('[data-preview-body]');
  // The bar's buttons belong to the form by their form= attribute (they sit outside it, at the bottom of the window).
  const button = [...form.elements].find((el): el is HTMLButtonElement => el instanceof HTMLButtonElement && el.value === 'preview');
  let timer: number | undefined;
  // Answers can arrive out of order on a busy server: only the newest request's answer is shown.
  let sent = 0;

  const refresh = (): void => {
    if (!body || !target) return;
    const mine = ++sent;
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
      body: JSON.stringify({ courseId, body: body.value }),
    })
      .then(async (response) => {
        if (!response.ok || mine !== sent) return;
        const { html } = (await response.json()) as { html: string };
        // The server's sanitised rendering (no raw HTML reaches it: markdown-it runs with html disabled).
        target.innerHTML = html;
        target.dataset.previewState = 'fresh';
      })
      .catch(() => undefined);
  };

  if (body && target) {
    if (button) button.hidden = true;
    body.addEventListener('input', () => {
      target.dataset.previewState = 'typing';
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DEBOUNCE_MS);
    });
  }
}
