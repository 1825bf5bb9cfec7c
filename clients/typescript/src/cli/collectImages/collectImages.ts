import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

/** A path given on the command line that cannot be used, and why, in a few words. */
export interface PathProblem {
  path: string;
  reason: string;
}

export interface CollectedImages {
  /** Files to label: those named, and the images found in the folders named, in order, without duplicates. */
  files: string[];
  problems: PathProblem[];
}

/** A few words for an fs error, as `ls` would say it. */
export const fsReason = (error: unknown): string => {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return error instanceof Error ? error.message : String(error);
  }
};

const isImageName = (name: string) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());

/** The images under a folder, sorted by name; folders that cannot be read become problems, not failures. */
const walk = async (folder: string, into: CollectedImages): Promise<void> => {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    into.problems.push({ path: folder, reason: `cannot read folder: ${fsReason(error)}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await walk(path, into);
    // Linked files count; linked folders are not followed, so a link loop cannot trap the walk.
    else if ((entry.isFile() || entry.isSymbolicLink()) && isImageName(entry.name)) {
      if (
        entry.isSymbolicLink() &&
        !(await stat(path).then(
          (target) => target.isFile(),
          () => false,
        ))
      )
        continue;
      into.files.push(path);
    }
  }
};

/**
 * Expands the paths given to `imgrec label`: a file is taken as it is (its content is checked when it is read), a
 * folder is walked for .jpg, .jpeg and .png files (any case). Paths that do not exist or cannot be read are returned
 * as problems, so the run can go on with the rest and report each one.
 */
export const collectImages = async (paths: readonly string[]): Promise<CollectedImages> => {
  const collected: CollectedImages = { files: [], problems: [] };
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      collected.problems.push({ path, reason: fsReason(error) });
      continue;
    }
    if (info.isDirectory()) {
      const before = collected.files.length;
      await walk(path, collected);
      const unreadable = collected.problems.some((problem) => problem.path === path);
      if (collected.files.length === before && !unreadable) {
        collected.problems.push({ path, reason: 'no .jpg, .jpeg or .png files in this folder' });
      }
    } else collected.files.push(path);
  }
  collected.files = [...new Set(collected.files)];
  return collected;
};
