import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The file's text, or null when it does not exist. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Writes a secret file readable by the owner only, crash-safe: the text goes to a new temporary file that is flushed
 * to disk, renamed over the old one, and the directory is flushed too, so that after a crash at any point the file
 * holds either the old or the new content, never half of it, and the rename itself is durable. A failed write
 * removes its temporary file.
 */
export async function writeOwnerOnly(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a data folder owner-only, tightening what is already there: folders 0700, files 0600. Leftover temporary
 * files of interrupted writes (ours, at the top level) are removed.
 */
export async function tightenOwnerOnly(dir: string, topLevel = true): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await tightenOwnerOnly(path, false);
    // A leftover of an interrupted write; gone already if that write has just finished.
    else if (topLevel && entry.isFile() && entry.name.endsWith('.tmp')) await unlink(path).catch(ignoreMissing);
    else if (entry.isFile()) await chmod(path, 0o600);
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
