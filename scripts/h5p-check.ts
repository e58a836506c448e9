// npm run h5p:check -- <file.h5p>...: checks H5P packages as an upload would, and stores nothing.
// Prints one line per file, "<file>: accepted (<main library>)" or "<file>: refused: <reason>".
// Exits 0 when every file is accepted, 1 when any is refused or unreadable, 2 when no file is named.
import fs from 'node:fs/promises';
import { describeRefusal } from '../src/lib/server/h5p/refusal.ts';
import { mainLibraryLabel, validateH5pPackage } from '../src/lib/server/h5p/validate.ts';

const files = process.argv.slice(2).filter((a) => a !== '--');
if (files.length === 0) {
  console.error('Usage: npm run h5p:check -- <file.h5p> [more.h5p ...]');
  process.exit(2);
}

let refused = 0;
for (const file of files) {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    refused++;
    console.log(`${file}: refused: the file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    continue;
  }
  const result = await validateH5pPackage(bytes);
  if (result.ok) console.log(`${file}: accepted (${mainLibraryLabel(result.package)})`);
  else {
    refused++;
    console.log(`${file}: refused: ${describeRefusal('en', result)} [${result.code}]`);
  }
}
if (files.length > 1) console.error(`${files.length - refused} accepted, ${refused} refused`);
process.exit(refused ? 1 : 0);
