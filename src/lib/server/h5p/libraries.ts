import { createHash } from 'node:crypto';
import { refuse, type H5pRefusal } from './refusal.ts';
import {
  dependencyFolder,
  dependencyLabel,
  firstIssue,
  libraryJsonSchema,
  LIBRARY_FOLDER,
  type Dependency,
  type H5pJson,
  type LibraryJson,
} from './schema.ts';

/** One library folder of a package, checked. */
export interface PackageLibrary {
  /** The folder in the package: `H5P.MultiChoice-1.14`. */
  folder: string;
  machineName: string;
  majorVersion: number;
  minorVersion: number;
  patchVersion: number;
  title: string;
  runnable: boolean;
  /** library.json as written in the package. */
  libraryJson: string;
  parsed: LibraryJson;
  /** Every file of the folder by its path inside the folder (library.json included). */
  files: Map<string, Buffer>;
  /** sha256 over the paths and contents of the files: tells two copies of one version apart. */
  filesHash: string;
  /** Playing the content loads this library (a preloaded or dynamic dependency, directly or through another library). */
  neededToPlay: boolean;
}

/** `H5P.MultiChoice 1.14.6`. */
export function libraryLabel(lib: Pick<PackageLibrary, 'machineName' | 'majorVersion' | 'minorVersion' | 'patchVersion'>): string {
  return `${lib.machineName} ${lib.majorVersion}.${lib.minorVersion}.${lib.patchVersion}`;
}

/** JSON text without a byte-order mark, parsed; undefined when it is not JSON. */
export function parseJson(bytes: Buffer): { text: string; value: unknown } | { error: string } {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function filesHash(files: Map<string, Buffer>): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) {
    hash
      .update(path)
      .update('\0')
      .update(createHash('sha256').update(files.get(path)!).digest('hex'))
      .update('\n');
  }
  return hash.digest('hex');
}

/**
 * Checks every library folder: its library.json parses and follows the
 * schema, names the same library and version as the folder, and every
 * preloaded script and style sheet it lists is in the folder. All library.json
 * files are checked before any name or file, so the refusal names the most
 * basic problem first.
 */
export function checkLibraries(folders: Map<string, Map<string, Buffer>>): { ok: true; libraries: PackageLibrary[] } | H5pRefusal {
  const parsed: Array<{ folder: string; files: Map<string, Buffer>; text: string; json: LibraryJson }> = [];
  for (const [folder, files] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
    const bytes = files.get('library.json');
    if (!bytes) return refuse('h5p.libraryJsonMissing', folder);
    const read = parseJson(bytes);
    if ('error' in read) return refuse('h5p.libraryJsonInvalid', `${folder}/library.json: ${read.error}`);
    const result = libraryJsonSchema.safeParse(read.value);
    if (!result.success) return refuse('h5p.libraryJsonInvalid', `${folder}/library.json: ${firstIssue(result.error)}`);
    parsed.push({ folder, files, text: read.text, json: result.data });
  }
  for (const { folder, json } of parsed) {
    const [, machineName, major, minor] = LIBRARY_FOLDER.exec(folder)!;
    if (json.machineName !== machineName || json.majorVersion !== Number(major) || json.minorVersion !== Number(minor)) {
      return refuse('h5p.libraryFolderMismatch', `${folder} (library.json: ${dependencyFolder(json)})`);
    }
  }
  for (const { folder, files, json } of parsed) {
    for (const file of [...(json.preloadedJs ?? []), ...(json.preloadedCss ?? [])]) {
      if (!files.has(file.path)) return refuse('h5p.preloadedFileMissing', `${folder}/${file.path}`);
    }
  }
  return {
    ok: true,
    libraries: parsed.map(({ folder, files, text, json }) => ({
      folder,
      machineName: json.machineName,
      majorVersion: json.majorVersion,
      minorVersion: json.minorVersion,
      patchVersion: json.patchVersion,
      title: json.title,
      runnable: json.runnable,
      libraryJson: text,
      parsed: json,
      files,
      filesHash: filesHash(files),
      neededToPlay: false,
    })),
  };
}

/**
 * Finds the main library and marks every library needed to play: the
 * preloaded and dynamic dependencies of h5p.json and, transitively, of each
 * library. Each must be in the package. Editor dependencies are not needed to
 * play and may be missing.
 */
export function resolveDependencies(h5p: H5pJson, libraries: PackageLibrary[]): { ok: true; main: PackageLibrary } | H5pRefusal {
  const byFolder = new Map(libraries.map((l) => [l.folder, l]));
  const mainDependency = h5p.preloadedDependencies.find((d) => d.machineName === h5p.mainLibrary);
  if (!mainDependency) return refuse('h5p.mainLibraryMissing', h5p.mainLibrary);
  const main = byFolder.get(dependencyFolder(mainDependency));
  if (!main) return refuse('h5p.mainLibraryMissing', dependencyLabel(mainDependency));

  const queue: Array<{ dependency: Dependency; neededBy: string }> = [...h5p.preloadedDependencies, ...(h5p.dynamicDependencies ?? [])].map(
    (dependency) => ({ dependency, neededBy: 'h5p.json' }),
  );
  while (queue.length) {
    const { dependency, neededBy } = queue.shift()!;
    const library = byFolder.get(dependencyFolder(dependency));
    if (!library) return refuse('h5p.libraryMissing', `${neededBy} → ${dependencyLabel(dependency)}`);
    if (library.neededToPlay) continue;
    library.neededToPlay = true;
    const by = dependencyLabel(library);
    for (const next of [...(library.parsed.preloadedDependencies ?? []), ...(library.parsed.dynamicDependencies ?? [])]) {
      queue.push({ dependency: next, neededBy: by });
    }
  }
  return { ok: true, main };
}
