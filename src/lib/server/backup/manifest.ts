import { z } from 'zod';

/**
 * The manifest of a backup archive (`manifest.json` at its root): what the
 * archive holds and the SHA-256 of every file, so a restore can prove each
 * byte came back as it was written. Every other entry lives under `data/`,
 * laid out exactly as in TILTS_DATA_DIR (`data/tilts.db`, `data/h5p/…`,
 * `data/keys/…`).
 */

export const MANIFEST_NAME = 'manifest.json';
export const MANIFEST_FORMAT = 'tilts-backup';
export const MANIFEST_VERSION = 1;
/** Where the data folder's files sit inside the archive. */
export const DATA_PREFIX = 'data/';
/** The database's path inside the archive. */
export const DATABASE_ENTRY = `${DATA_PREFIX}tilts.db`;

/** A `/`-separated relative path under data/ with no empty, `.` or `..` segment and no backslash or NUL. */
const archivePath = z
  .string()
  .max(4096)
  .refine((p) => p.startsWith(DATA_PREFIX) && p.length > DATA_PREFIX.length, 'must lie under data/')
  .refine((p) => !p.includes('\\') && !p.includes('\0'), 'must not contain \\ or NUL')
  .refine((p) => p.slice(DATA_PREFIX.length).split('/').every((s) => s !== '' && s !== '.' && s !== '..'), 'must not contain empty, . or .. segments');

export const manifestFileSchema = z.object({
  /** Path inside the archive (`data/…`). */
  path: archivePath,
  /** Size in bytes. */
  bytes: z.number().int().nonnegative(),
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = z.object({
  /** Always `tilts-backup`: anything else is not ours. */
  format: z.literal(MANIFEST_FORMAT),
  /** Format version; a restore refuses versions it does not know. */
  version: z.literal(MANIFEST_VERSION),
  /** When the database was copied (ISO 8601). */
  createdAt: z.iso.datetime(),
  /** The newest migration in the copied database (restoring into an older Tilts is refused at start by the migrations). */
  schemaVersion: z.number().int().nonnegative(),
  /** Every file of the archive but the manifest, the database first. */
  files: z.array(manifestFileSchema).min(1).refine((files) => files[0]?.path === DATABASE_ENTRY, `the first file must be ${DATABASE_ENTRY}`),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
