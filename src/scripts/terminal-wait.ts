// The enrolment page waits for the supervisor's approval: it asks every few
// seconds and reloads (showing "registered") once the terminal is approved or
// its code has run out (a new code then appears).
const host = document.querySelector<HTMLElement>('[data-terminal-wait]');
if (host) {
  const url = host.dataset.terminalWait!;
  const poll = async (): Promise<void> => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' } });
      if (response.ok) {
        const { status, renew } = (await response.json()) as { status: string; renew: boolean };
        if (status !== 'pending' || renew) {
          window.location.reload();
          return;
        }
      }
    } catch {
      // The server may be restarting: try again later.
    }
    window.setTimeout(poll, 4_000);
  };
  window.setTimeout(poll, 4_000);
}

export {};
