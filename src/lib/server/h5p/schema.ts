import { z } from 'zod';

/**
 * The file formats of an H5P package (h5p.json, library.json), after H5P
 * core's validator (`H5PValidator` in h5p-php-library) and the H5P
 * specification. Unknown fields are kept: H5P adds optional fields over time
 * and a package from a newer H5P must not be refused for them. Only what the
 * platform relies on is checked strictly.
 */

/** `H5P.MultiChoice`: letters, digits, `_`, `-` and `.` (H5P core: `/^[\w0-9\-\.]{1,255}$/i`). */
export const MACHINE_NAME = /^[\w.-]{1,255}$/;

/** A library folder: `<machineName>-<major>.<minor>`, e.g. `H5P.MultiChoice-1.14`. */
export const LIBRARY_FOLDER = /^([\w.-]{1,255})-(\d{1,5})\.(\d{1,5})$/;

/**
 * H5P core's default allowlist of file extensions (`defaultContentWhitelist`),
 * without `swf`: Flash is active content that no kiosk browser plays, so a
 * package carrying it is refused rather than stored.
 */
export const CONTENT_EXTENSIONS: ReadonlySet<string> = new Set(
  'json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff patch md textile vtt webvtt gltf glb'.split(
    ' ',
  ),
);

/** Libraries are code: H5P core's `defaultLibraryWhitelistExtras` adds scripts and style sheets, inside library folders only. */
export const LIBRARY_EXTENSIONS: ReadonlySet<string> = new Set([...CONTENT_EXTENSIONS, 'js', 'css']);

const machineName = z.string().regex(MACHINE_NAME, 'letters, digits, _ - and . only (1–255)');

/** H5P writes versions as numbers in library.json and as strings of digits in h5p.json: both are read as numbers. */
const version = z.union([
  z.number().int().min(0).max(99_999),
  z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number),
]);

/** H5P writes flags as 0/1 or as booleans. */
const flag = z.union([z.literal(0), z.literal(1), z.boolean()]).transform((v) => v === 1 || v === true);

/** A path inside the library folder: relative, no `..`, forward slashes. */
const libraryFilePath = z
  .string()
  .min(1)
  .max(1000)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '..' || s === '.' || s === ''), {
    message: 'must be a relative path inside the library folder',
  });

/** A library that another library or the content needs. */
export const dependencySchema = z.looseObject({
  /** The library's machine name, e.g. `H5P.MultiChoice`. */
  machineName,
  /** Major version. */
  majorVersion: version,
  /** Minor version; the patch version is never named in a dependency. */
  minorVersion: version,
});
export type Dependency = z.infer<typeof dependencySchema>;

const dependencies = z.array(dependencySchema).max(1000);

/** `h5p.json`: what the package contains and which libraries play it. */
export const h5pJsonSchema = z.looseObject({
  /** Title of the content, shown to teachers and as the activity's default name. */
  title: z.string().trim().min(1).max(255),
  /** Machine name of the library that plays the content; its version comes from `preloadedDependencies`. */
  mainLibrary: machineName,
  /** Language of the content (`und` when undetermined), e.g. `lv`, `en`, `und`. */
  language: z.string().regex(/^[-a-zA-Z]{1,10}$/, 'a language code such as lv, en or und'),
  /** Libraries loaded before the content starts: the main library and what it uses. */
  preloadedDependencies: dependencies.min(1),
  /** Libraries the content may load while playing. */
  dynamicDependencies: dependencies.optional(),
  /** Libraries of the H5P editor; not needed to play. */
  editorDependencies: dependencies.optional(),
  /** How the content may be embedded: `div`, `iframe` or both. */
  embedTypes: z
    .array(z.enum(['div', 'iframe']))
    .min(1)
    .max(2),
  /** Licence code (`U` undisclosed, `CC BY`, …). */
  license: z.string().max(32).optional(),
  /** Language of the content's own texts (interface strings), e.g. `en`. */
  defaultLanguage: z.string().max(32).optional(),
  /** Authors of the content. */
  authors: z.array(z.looseObject({ name: z.string().max(255), role: z.string().max(255) })).optional(),
});
export type H5pJson = z.infer<typeof h5pJsonSchema>;

/** A file a library loads before it runs. */
const preloadedFile = z.looseObject({
  /** Path relative to the library folder, e.g. `js/multichoice.js`. */
  path: libraryFilePath,
});

/** `<library folder>/library.json`: one library version, its code and what it needs. */
export const libraryJsonSchema = z.looseObject({
  /** Human name of the library. */
  title: z.string().trim().min(1).max(255),
  /** Machine name: must equal the folder name's part before the version. */
  machineName,
  /** Major version: must equal the folder name's. */
  majorVersion: version,
  /** Minor version: must equal the folder name's. */
  minorVersion: version,
  /** Patch version: libraries are stored once per machine name and major.minor.patch. */
  patchVersion: version,
  /** 1 when the library can be the main library of content. */
  runnable: flag,
  /** Scripts loaded before the library runs; each must be in the package. */
  preloadedJs: z.array(preloadedFile).max(1000).optional(),
  /** Style sheets loaded before the library runs; each must be in the package. */
  preloadedCss: z.array(preloadedFile).max(1000).optional(),
  /** Libraries loaded before this one. */
  preloadedDependencies: dependencies.optional(),
  /** Libraries this one may load while playing. */
  dynamicDependencies: dependencies.optional(),
  /** Libraries of the H5P editor; not needed to play. */
  editorDependencies: dependencies.optional(),
  /** The H5P core API version the library needs. */
  coreApi: z.looseObject({ majorVersion: version, minorVersion: version }).optional(),
  /** How content of this library may be embedded. */
  embedTypes: z
    .array(z.enum(['div', 'iframe']))
    .max(2)
    .optional(),
  /** 1 when the library offers a full-screen button. */
  fullscreen: flag.optional(),
});
export type LibraryJson = z.infer<typeof libraryJsonSchema>;

/** `H5P.MultiChoice 1.14` — how H5P names a library version in messages. */
export function dependencyLabel(d: { machineName: string; majorVersion: number; minorVersion: number }): string {
  return `${d.machineName} ${d.majorVersion}.${d.minorVersion}`;
}

/** `H5P.MultiChoice-1.14`: the folder a dependency is found in. */
export function dependencyFolder(d: { machineName: string; majorVersion: number; minorVersion: number }): string {
  return `${d.machineName}-${d.majorVersion}.${d.minorVersion}`;
}

/** `modules[0].items[2]` from a zod issue path. */
export function fieldOf(issuePath: readonly PropertyKey[]): string {
  return issuePath.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '');
}

/** The first problem of a failed parse, as `field: message`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const field = fieldOf(issue.path);
  // zod's "Invalid input: expected string, received undefined" means the field is not there.
  const message = /received undefined$/.test(issue.message) ? 'missing' : issue.message;
  return field ? `${field}: ${message}` : message;
}
