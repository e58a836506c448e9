import { describe, expect, test } from 'vitest';
import { formatNumber, formatPercent } from '../../../src/lib/i18n/index.ts';

describe('numbers as each reader writes them', () => {
  test('Latvian and Russian write a decimal comma, English a point', () => {
    expect(formatPercent('lv', 28.6, 1)).toMatch(/^28,6\s?%$/);
    expect(formatPercent('ru', 28.6, 1)).toMatch(/^28,6\s?%$/);
    expect(formatPercent('en', 28.6, 1)).toBe('28.6%');
    expect(formatNumber('lv', 1234.5)).toMatch(/^1\s?234,5$/);
  });

  test('whole percent when asked, rounded', () => {
    expect(formatPercent('en', 66.66, 0)).toBe('67%');
    expect(formatPercent('lv', 0, 0)).toMatch(/^0\s?%$/);
  });
});
