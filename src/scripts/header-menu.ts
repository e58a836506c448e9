// The header's menus are <details> disclosures: they open and close without
// JavaScript (by mouse, touch, Enter or Space), and opening one closes the
// other (they share a name). This script only adds what people expect on top:
// Escape closes the open menu and returns focus to its button, and a click or
// focus elsewhere on the page closes it.
const menus = [...document.querySelectorAll<HTMLDetailsElement>('details[data-menu]')];

function closeAll(except: Element | null = null): void {
  for (const menu of menus) if (menu.open && !menu.contains(except)) menu.open = false;
}

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  const open = menus.find((m) => m.open);
  if (!open) return;
  open.open = false;
  open.querySelector('summary')?.focus();
});
document.addEventListener('click', (event) => closeAll(event.target instanceof Element ? event.target : null));
document.addEventListener('focusin', (event) => closeAll(event.target instanceof Element ? event.target : null));

export {};
