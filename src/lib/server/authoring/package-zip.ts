import yauzl from 'yauzl';
import yazl from 'yazl';
import { sniffImage } from '../courses/load.ts';

/**
 * A course package as a .zip: `<course-id>/course.yaml`, `<course-id>/<module>/…`.
 * Export writes exactly the files of the package; import reads them back, so a
 * course exported and imported again is identical.
 */

export const ZIP_LIMITS = { files: 2_000, totalBytes: 200 * 1024 * 1024 };

/** A fixed date for entries, so the same files always give the same archive. */
const ENTRY_DATE = new Date(Date.UTC(2000, 0, 1));

export function writePackageZip(courseId: string, files: ReadonlyMap<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [rel, bytes] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    zip.addBuffer(bytes, `${courseId}/${rel}`, { mtime: ENTRY_DATE, mode: 0o100644 });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

export type ZipReadResult = { ok: true; files: Map<string, Buffer> } | { ok: false; code: 'authoring.zipInvalid'; detail: string };

const refuse = (detail: string): ZipReadResult => ({ ok: false, code: 'authoring.zipInvalid', detail });

/** Text files of a package and the pictures it may hold. */
function allowed(rel: string, bytes: Buffer): boolean {
  if (/\.(ya?ml|md)$/i.test(rel)) return true;
  // H5P activities: a zip inside (PK header); fully validated before anything is stored.
  if (/\.h5p$/i.test(rel)) return bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  return /\.(png|jpe?g|webp)$/i.test(rel) && sniffImage(bytes) !== null;
}

/**
 * Reads a package .zip into relative paths (one top folder is taken away).
 * Refuses anything that is not a plain package: paths leaving the folder,
 * links, too many or too large files, other file types.
 */
export function readPackageZip(bytes: Buffer): Promise<ZipReadResult> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: true }, (err, zip) => {
      if (err || !zip) return resolve(refuse('not a .zip file'));
      const raw = new Map<string, Buffer>();
      let total = 0;
      let count = 0;
      let settled = false;
      const done = (result: ZipReadResult) => {
        if (settled) return;
        settled = true;
        zip.close();
        resolve(result);
      };
      zip.on('error', () => done(refuse('the .zip file is damaged')));
      zip.on('end', () => {
        const names = [...raw.keys()];
        const top = names[0]?.split('/')[0];
        const shared = top && names.every((n) => n.startsWith(`${top}/`));
        const files = new Map<string, Buffer>();
        for (const [name, content] of raw) {
          const rel = shared ? name.slice(top.length + 1) : name;
          if (!allowed(rel, content)) return done(refuse(`${rel}: only .yaml, .md, .h5p and PNG, JPEG or WebP pictures belong in a course package`));
          files.set(rel, content);
        }
        done({ ok: true, files });
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        if (name.endsWith('/')) return zip.readEntry();
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        if (mode === 0o120000) return done(refuse(`${name}: links are not allowed`));
        if (name.split('/').some((part) => part === '..' || part === '') || name.startsWith('/')) return done(refuse(`${name}: the path leaves the package`));
        if (++count > ZIP_LIMITS.files) return done(refuse(`more than ${ZIP_LIMITS.files} files`));
        if (raw.has(name)) return done(refuse(`${name}: the same name twice`));
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return done(refuse(`${name}: cannot be read`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => {
            total += c.length;
            // Counted as it is inflated: the sizes written in the archive are not trusted.
            if (total > ZIP_LIMITS.totalBytes) {
              stream.destroy();
              done(refuse(`larger than ${ZIP_LIMITS.totalBytes / 1024 / 1024} MB unpacked`));
            }
          });
          stream.on('error', () => done(refuse(`${name}: cannot be read`)));
          stream.on('end', () => {
            if (settled) return;
            raw.set(name, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('data', (c: Buffer) => chunks.push(c));
        });
      });
      zip.readEntry();
    });
  });
}
