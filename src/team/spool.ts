/**
 * The spool: records written for the shared trail but not yet in it, one JSON line each,
 * beside the local audit log. Every record passes through it (written synchronously, as the
 * local log is, so the lifecycle's audit port stays synchronous); the upload that follows a
 * run, `preflight team sync`, and every later run empty it. Each entry carries a random id the
 * database keeps unique, so an entry uploaded twice (two processes, or a crash between the
 * upload and the removal here) lands once.
 */

import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { withFileLock } from "../audit/lock.js";

export interface SpoolEntry {
  recordId: string;
  team: string;
  /** Who wrote it, as src/team/identity.ts tells: `user@host` or `actor@provider`. */
  actor: string;
  record: Record<string, unknown>;
}

/** Appends one entry (fsynced) under the spool's lock. Throws the fs error. */
export function spoolEntry(file: string, entry: SpoolEntry): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  withFileLock(file, () => {
    const fd = openSync(file, "a", 0o600);
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}

/** The entries waiting, oldest first; a missing spool is empty, a cut line is skipped. */
export function readSpool(file: string): SpoolEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return [];
    throw error;
  }
  return text.split("\n").flatMap((line) => {
    try {
      const entry = JSON.parse(line) as SpoolEntry;
      return typeof entry?.recordId === "string" && typeof entry.team === "string" ? [entry] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Removes the entries that are now in the shared trail, keeping everything else, including
 * entries another process spooled meanwhile (it rewrites under the same lock). Atomic: a
 * temporary file renamed over the spool.
 */
export function removeFromSpool(file: string, uploaded: ReadonlySet<string>): void {
  if (uploaded.size === 0) return;
  withFileLock(file, () => {
    const keep = readSpool(file).filter((entry) => !uploaded.has(entry.recordId));
    const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    writeFileSync(temporary, keep.map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o600 });
    renameSync(temporary, file);
  });
}
