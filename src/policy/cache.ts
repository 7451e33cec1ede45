/**
 * A cache of compiled policies, keyed by the SHA-256 of the policy files' contents and of the
 * preflight build. Parsing YAML and validating the schema costs ~100 ms of module loading;
 * reading a compiled entry costs well under a millisecond for the bundled policy and a few
 * for 100,000 rules, because an entry is read in parts (entry-layout.ts): the header and
 * the policy's other sections at once, the rules a command's program names when evaluated.
 * Any change to a policy file changes the key, so a stale entry is never used.
 *
 * Each entry is sealed with an HMAC under a per-user key kept in the state folder, not in the
 * cache folder: CI systems restore ~/.cache between jobs, and an entry planted or edited there
 * (`production: deny` → `allow`) must not be believed. The seal covers the whole body, so an
 * entry is read whole once to check it; after that the stat index (stat-index.ts) vouches for
 * it. The cache is best effort: without a usable key or folder preflight only gets slower.
 */
import type * as NodeCrypto from "node:crypto";
import {
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtin } from "../util/builtin.js";
import { equalInConstantTime, hmacHex, sha256Hex } from "../util/digest.js";
import { ENTRY_FORMAT } from "./entry-layout.js";
import { decodeEntry } from "./entry-read.js";
import {
  bufferSource,
  closeQuietly,
  type EntrySource,
  fileSource,
  readBytes,
} from "./entry-source.js";
import { encodeEntry } from "./entry-write.js";
import { type FileStamp, sameStamp } from "./stat-index.js";
import type { Policy } from "./types.js";

export { cacheDirectory } from "../util/dirs.js";

// Which build compiled an entry, and in which layout. The build defines PREFLIGHT_BUILD_ID,
// the same in every bundle (the fast path and the full CLI must find each other's entries);
// run from source, this module's mtime tells edits apart.
declare const PREFLIGHT_BUILD_ID: string | undefined;
export const BUILD_STAMP = `${(() => {
  if (typeof PREFLIGHT_BUILD_ID === "string") return PREFLIGHT_BUILD_ID;
  try {
    return String(statSync(fileURLToPath(import.meta.url)).mtimeMs);
  } catch {
    return "unknown";
  }
})()} entry-format-${ENTRY_FORMAT}`;

export function cacheKey(files: readonly string[], sha256: string, build = BUILD_STAMP): string {
  return sha256Hex(`${build}\n${files.join("\n")}\n${sha256}`);
}

/** The key that seals cache entries, created on first use; undefined when it cannot be had. */
export function cacheSealKey(keyFile: string): Buffer | undefined {
  try {
    return usableKey(readFileSync(keyFile));
  } catch {
    try {
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      const key = builtin<typeof NodeCrypto>("node:crypto").randomBytes(KEY_BYTES);
      // "wx": two first runs at once must not each believe their own key.
      writeFileSync(keyFile, key, { mode: 0o600, flag: "wx" });
      return key;
    } catch {
      try {
        return usableKey(readFileSync(keyFile));
      } catch {
        return undefined;
      }
    }
  }
}

/** Only a whole key: an empty or cut file (a crash while writing it) seals nothing. */
function usableKey(key: Buffer): Buffer | undefined {
  return key.length === KEY_BYTES ? key : undefined;
}

const KEY_BYTES = 32;

function seal(sealKey: Buffer, body: Uint8Array): string {
  return hmacHex(sealKey, body);
}

/** The seal line: 64 hex digits and a newline. */
const SEAL_BYTES = 65;
/** An entry up to this size is read whole; a larger one in parts, as needed. */
const READ_WHOLE = 1024 * 1024;

export function cacheEntryFile(dir: string, key: string): string {
  return join(dir, `policy-${key}.compiled`);
}

/**
 * A cache entry's policy without checking its seal: only for an entry the stat index says was
 * checked, and only if the file opened still stats as recorded. Undefined when it cannot be read.
 */
export function readVerifiedEntry(recorded: FileStamp, sha256: string): Policy | undefined {
  return readEntry(
    recorded.path,
    ({ stats }) => sameStamp(recorded, { path: recorded.path, ...stats }),
    sha256,
  );
}

/** The cached policy for these contents, or undefined (a miss, or an entry not sealed by us). */
export function readCachedPolicy(
  dir: string,
  key: string,
  sha256: string,
  sealKey: Buffer,
): Policy | undefined {
  return readEntry(
    cacheEntryFile(dir, key),
    ({ fd, line, source }) =>
      line[64] === 10 &&
      equalInConstantTime(line.toString("latin1", 0, 64), sealOf(fd, source, sealKey)),
    sha256,
  );
}

interface OpenedEntry {
  /** Open while a large entry is read as needed; undefined for a small one, read whole. */
  fd: number | undefined;
  stats: Omit<FileStamp, "path">;
  /** The seal line. */
  line: Buffer;
  /** The body after it. */
  source: EntrySource;
}

/**
 * The policy in an entry that `accept` vouches for and that was compiled from contents with
 * this hash. A large entry's policy keeps the file open and reads it as needed; any failure
 * is a miss.
 */
function readEntry(
  file: string,
  accept: (entry: OpenedEntry) => boolean,
  sha256: string,
): Policy | undefined {
  const entry = openEntry(file);
  if (!entry) return undefined;
  let kept = false;
  try {
    if (!accept(entry)) return undefined;
    const policy = decodeEntry(entry.source, file);
    if (policy.sha256 !== sha256) return undefined;
    // The policy reads the rest of the file itself from now on.
    kept = true;
    return policy;
  } catch {
    return undefined;
  } finally {
    if (!kept) entry.source.close();
  }
}

/**
 * An entry's seal line and body. A small one (the bundled policy's is 27 kB) is statted and
 * read whole, by Node's quickest read of a file (UTF-8 text, in C++), as the fast path reads
 * it; a large one is opened, statted through its descriptor, and read as needed.
 */
function openEntry(file: string): OpenedEntry | undefined {
  try {
    const { size, mtimeMs, ctimeMs, ino } = statSync(file);
    if (size < SEAL_BYTES) return undefined;
    if (size <= SEAL_BYTES + READ_WHOLE) {
      const bytes = Buffer.from(readFileSync(file, "utf8"));
      // Replaced between the stat and the read (or not UTF-8 text): not the entry statted.
      if (bytes.length !== size) return undefined;
      const stats = { size, mtimeMs, ctimeMs, ino };
      const body = bufferSource(bytes.subarray(SEAL_BYTES));
      return { fd: undefined, stats, line: bytes.subarray(0, SEAL_BYTES), source: body };
    }
  } catch {
    return undefined;
  }
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const { size, mtimeMs, ctimeMs, ino } = fstatSync(fd);
    const line = readBytes(fd, 0, SEAL_BYTES);
    const source = fileSource(fd, SEAL_BYTES, size - SEAL_BYTES);
    return { fd, stats: { size, mtimeMs, ctimeMs, ino }, line, source };
  } catch {
    closeQuietly(fd);
    return undefined;
  }
}

/**
 * The seal of a body; a large one is read from `fd` through one reused buffer, because a new
 * 34 MB buffer costs about 100 ms in page faults.
 */
function sealOf(fd: number | undefined, source: EntrySource, sealKey: Buffer): string {
  if (fd === undefined) return seal(sealKey, source.read(0, source.size));
  const hmac = builtin<typeof NodeCrypto>("node:crypto").createHmac("sha256", sealKey);
  const chunk = Buffer.allocUnsafe(READ_WHOLE);
  for (let at = 0; at < source.size; ) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, source.size - at), SEAL_BYTES + at);
    if (n === 0) throw new RangeError("the file is shorter than it was");
    hmac.update(chunk.subarray(0, n));
    at += n;
  }
  return hmac.digest("hex");
}

export function writeCachedPolicy(dir: string, key: string, policy: Policy, sealKey: Buffer): void {
  try {
    // Private: whoever can write here can try to change what the policy says.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = cacheEntryFile(dir, key);
    const temp = `${file}.${process.pid}.tmp`;
    const body = encodeEntry(policy);
    // Written whole and renamed into place, never changed where it is: a policy reading an
    // entry lazily through an open descriptor keeps seeing the bytes that were verified.
    writeFileSync(temp, Buffer.concat([Buffer.from(`${seal(sealKey, body)}\n`), body]), {
      mode: 0o600,
    });
    renameSync(temp, file);
  } catch {
    // Best effort: the next run compiles again.
  }
}
