import { closeSync, fstatSync, openSync } from "node:fs";
import { type AuditRecord, parseRecordLine } from "./parse.js";
import { readTail } from "./tail.js";

function parseAll(lines: readonly string[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const line of lines) {
    const record = parseRecordLine(line);
    if (record !== undefined) records.push(record);
  }
  return records;
}

/**
 * The last `limit` records of an audit log, oldest first, read from the end of the file.
 * Lines that are not JSON objects are skipped (verifyAuditLog is the place that reports them);
 * a missing file has no records. Other read errors are thrown.
 */
export function readAuditRecords(file: string, limit: number): AuditRecord[] {
  if (!(limit > 0)) return [];
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return [];
    throw error;
  }
  try {
    const { size } = fstatSync(fd);
    const tail = readTail(fd, size, (lines) => parseAll(lines).length >= limit);
    return parseAll(tail.lines).slice(-limit);
  } finally {
    closeSync(fd);
  }
}
