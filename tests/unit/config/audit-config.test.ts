import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/lib/server/config.ts';

describe('the audit settings', () => {
  test('by default the key lives beside the database and no daily checkpoint is written', () => {
    expect(loadConfig({})).toMatchObject({ auditKeyFile: null, auditCheckpointDir: null });
  });

  test('paths are taken as absolute paths', () => {
    const c = loadConfig({ TILTS_AUDIT_KEY_FILE: 'secrets/audit.key', TILTS_AUDIT_CHECKPOINT_DIR: '/mnt/loghost/tilts' });
    expect(c.auditKeyFile).toBe(path.resolve('secrets/audit.key'));
    expect(c.auditCheckpointDir).toBe('/mnt/loghost/tilts');
  });

  test.each(['TILTS_AUDIT_KEY_FILE', 'TILTS_AUDIT_CHECKPOINT_DIR'])('an empty %s stops the start naming it', (name) => {
    expect(() => loadConfig({ [name]: '' })).toThrow(new RegExp(`Invalid configuration:.*${name}=""`));
  });
});
