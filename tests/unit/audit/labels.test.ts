import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { catalogues, isMessageKey } from '../../../src/lib/i18n/index.ts';
import { AUDIT_ACTION_LABELS, AUDIT_DETAIL_LABELS, AUDIT_REASON_LABELS, auditActionLabel } from '../../../src/lib/shared/audit-labels.ts';
import { LOCALES } from '../../../src/lib/shared/domain.ts';

/**
 * Every action code the server writes to the audit log has a human label in
 * lv, en and ru. The codes are found in the source itself: every dotted
 * string on a line naming the `action` of an `appendAudit(…)` call, or passed
 * to a module's own `audit(…)` helper. A code built from a template names its
 * possible values below; a new template fails until it is listed here.
 */
const SRC = path.resolve(import.meta.dirname, '../../../src');

const TEMPLATES: Record<string, string[]> = {
  'terminal.${change.kind}': ['terminal.rename', 'terminal.move', 'terminal.disable', 'terminal.enable', 'terminal.revoke', 'terminal.lock', 'terminal.unlock'],
  "course.${status === 'created' ? 'create' : 'update'}": ['course.create', 'course.update'],
  'placement.${to}': ['placement.withdrawn', 'placement.failed'],
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : /\.(ts|astro)$/.test(e.name) ? [full] : [];
  });
}

/** The action codes written anywhere under src/, with where. */
function writtenCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes('appendAudit')) continue;
    text.split('\n').forEach((line, i) => {
      const where = `${path.relative(SRC, file)}:${i + 1}`;
      if (!/\baction: |(?<![A-Za-z])audit\(/.test(line)) return;
      for (const m of line.matchAll(/'([a-z][A-Za-z0-9]*\.[A-Za-z0-9_]+)'/g)) codes.set(m[1]!, where);
      for (const m of line.matchAll(/`([a-z][A-Za-z0-9]*\.\$\{[^`]*)`/g)) {
        const expanded = TEMPLATES[m[1]!];
        if (!expanded) throw new Error(`${where}: the audit code \`${m[1]}\` is built from a template; list its values in TEMPLATES`);
        for (const code of expanded) codes.set(code, where);
      }
    });
  }
  return codes;
}

describe('audit labels', () => {
  test('every action code written under src/ has a label, in all three languages', () => {
    const codes = writtenCodes();
    // The scan finds the codes (a scan that finds nothing would prove nothing).
    expect(codes.size).toBeGreaterThan(50);
    for (const known of ['auth.login', 'terminal.endSession', 'learner.transfer', 'timetable.slotAdd', 'placement.withdrawn']) expect(codes.has(known), known).toBe(true);
    const missing = [...codes].filter(([code]) => auditActionLabel(code) === null).map(([code, where]) => `${code} (${where})`);
    expect(missing, 'audit codes without a label in src/lib/shared/audit-labels.ts').toEqual([]);
  });

  test('every label, detail label and reason label is a message in lv, en and ru, and no two actions read the same', () => {
    const keys = [...Object.values(AUDIT_ACTION_LABELS), 'auditAction.auth.loginPortal', 'auditAction.auth.loginTerminal', ...Object.values(AUDIT_DETAIL_LABELS), ...Object.values(AUDIT_REASON_LABELS)];
    for (const key of keys) {
      expect(isMessageKey(key), key).toBe(true);
      for (const locale of LOCALES) expect((catalogues[locale] as Record<string, string>)[key]?.trim(), `${key} in ${locale}`).toBeTruthy();
    }
    for (const locale of LOCALES) {
      const texts = Object.values(AUDIT_ACTION_LABELS).map((k) => catalogues[locale][k]);
      expect(new Set(texts).size, `distinct action labels in ${locale}`).toBe(texts.length);
    }
  });

  test('a sign-in reads by who signed in: a released person on the portal, a learner on a terminal, staff plainly', () => {
    expect(catalogues.en[auditActionLabel('auth.login', 'released')!]).toBe('Released person signed in to the portal');
    expect(catalogues.en[auditActionLabel('auth.login', 'learner')!]).toBe('Learner signed in on a terminal');
    expect(catalogues.en[auditActionLabel('auth.login', 'admin')!]).toBe('Signed in');
    expect(auditActionLabel('made.up')).toBeNull();
  });
});
