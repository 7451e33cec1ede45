/**
 * Which compiled-policy cache entries have already been verified, keyed by what `stat` says
 * about the policy files and the entry, so the unguarded path can use an entry without
 * hashing the policy text and the entry again (hashing is most of what it would cost: see
 * src/util/sha256.ts). A file that changed in any way changes its ctime, which no user can
 * set back; anything that does not match exactly falls back to the hashed lookup.
 *
 * The index lives in the state folder beside the cache's seal key, not in the cache folder:
 * whoever can write there can read the key and seal anything anyway, so it needs no seal of
 * its own. A file changed less than RACY_MS before it was verified is not indexed, because a
 * second change within the same timestamp tick would not show in its ctime.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const RACY_MS = 2000;
const INDEX_FILE = "verified-policies.json";
/** Policy file sets remembered; the oldest is dropped beyond this. */
const MAX_ENTRIES = 64;

interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

interface IndexEntry {
  build: string;
  files: FileStamp[];
  entry: FileStamp;
  sha256: string;
}

function stamp(path: string): FileStamp {
  const { size, mtimeMs, ctimeMs, ino } = statSync(path);
  return { path, size, mtimeMs, ctimeMs, ino };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return (
    a.path === b.path &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs &&
    a.ino === b.ino
  );
}

function readIndex(stateDir: string): Record<string, IndexEntry> {
  try {
    const parsed = JSON.parse(readFileSync(join(stateDir, INDEX_FILE), "utf8")) as unknown;
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, IndexEntry>)
      : {};
  } catch {
    return {};
  }
}

/**
 * The cache entry (with its stats when verified) and policy hash recorded for these files,
 * when every file is exactly as it was; else undefined. The caller compares the entry's stats
 * with those of the file it opens (cache.ts), so the file it reads is the one that was verified.
 */
export function verifiedEntry(
  stateDir: string,
  build: string,
  files: readonly string[],
): { entry: FileStamp; sha256: string } | undefined {
  const found = readIndex(stateDir)[files.join("\n")];
  if (!found || found.build !== build || found.files?.length !== files.length) return undefined;
  if (typeof found.entry?.path !== "string") return undefined;
  try {
    for (let i = 0; i < files.length; i++) {
      if (!sameStamp(found.files[i]!, stamp(files[i]!))) return undefined;
    }
  } catch {
    return undefined;
  }
  return { entry: found.entry, sha256: found.sha256 };
}

/**
 * Records that `entryFile` was verified (its seal checked, its hash equal to the files') for
 * these files. `stamps` are the files' stats taken before they were read. Best effort.
 */
export function recordVerifiedEntry(
  stateDir: string,
  build: string,
  stamps: readonly FileStamp[],
  entryFile: string,
  sha256: string,
  now = Date.now(),
): void {
  try {
    const entry = stamp(entryFile);
    if ([...stamps, entry].some((s) => now - s.ctimeMs < RACY_MS)) return;
    const index = readIndex(stateDir);
    const key = stamps.map((s) => s.path).join("\n");
    delete index[key];
    index[key] = { build, files: [...stamps], entry, sha256 };
    for (const old of Object.keys(index).slice(0, -MAX_ENTRIES)) delete index[old];
    const file = join(stateDir, INDEX_FILE);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(index), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // Best effort: without it the next run hashes, as before.
  }
}

export { type FileStamp, stamp as statStamp };
