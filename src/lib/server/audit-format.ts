import { formatDateTime, isMessageKey, translator } from '../i18n/index.ts';
import { ROLES, type Locale, type Role } from '../shared/domain.ts';
import { AUDIT_DETAIL_LABELS, AUDIT_REASON_LABELS, auditDetailHidden } from '../shared/audit-labels.ts';
import { DETAIL_REFS, type NameBook } from './audit-view.ts';

/**
 * An entry's details as label/value pairs in the reader's language, never as
 * JSON: known keys get their label, ids of people, terminals, rooms, courses
 * and programmes their names (people with a link), reasons their words,
 * times the reader's format; an unknown key is shown as it is ("key: value").
 * The page escapes every string (Astro does): nothing here is HTML.
 */
export interface DetailPair {
  label: string;
  value: string;
  href: string | null;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

export function detailPairs(action: string, details: Record<string, unknown>, names: NameBook, locale: Locale): DetailPair[] {
  const tr = translator(locale);
  const pairs: DetailPair[] = [];
  const plain = (value: unknown): string => {
    if (value === null || value === undefined || value === '') return '—';
    if (typeof value === 'boolean') return tr(value ? 'auditValue.yes' : 'auditValue.no');
    if (typeof value === 'number') return new Intl.NumberFormat(locale).format(value);
    if (typeof value === 'string') return ISO_TIME.test(value) ? formatDateTime(locale, value) : value;
    if (Array.isArray(value)) return value.map(plain).join(', ');
    if (typeof value === 'object') {
      return Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${AUDIT_DETAIL_LABELS[k] ? tr(AUDIT_DETAIL_LABELS[k]) : k}: ${plain(v)}`)
        .join('; ');
    }
    return String(value);
  };
  for (const [key, value] of Object.entries(details)) {
    if (auditDetailHidden(action, key)) continue;
    const labelKey = AUDIT_DETAIL_LABELS[key];
    const label = labelKey ? tr(labelKey) : key;
    const ref = DETAIL_REFS[key] ?? (action === 'learner.transfer' && (key === 'from' || key === 'to') ? 'facility' : undefined);
    const named = ref && (typeof value === 'number' || typeof value === 'string') ? names[ref].get(String(value)) : undefined;
    if (named) {
      pairs.push({ label, value: named.name, href: named.href });
      continue;
    }
    let text: string;
    if (key === 'reason' && typeof value === 'string') {
      const reasonKey = AUDIT_REASON_LABELS[value];
      text = reasonKey ? tr(reasonKey) : isMessageKey(value) ? tr(value) : value;
    } else if (key === 'role' && typeof value === 'string' && (ROLES as readonly string[]).includes(value)) {
      text = tr(`role.${value as Role}`);
    } else {
      text = plain(value);
    }
    pairs.push({ label, value: text, href: null });
  }
  return pairs;
}
