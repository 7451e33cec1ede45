import { GENESIS_HASH, hashRecord } from "./chain.js";
import { forEachLine } from "./lines.js";
import { hasHashFields, parseRecordLine } from "./parse.js";

export type AuditVerifyResult =
  | { ok: true; records: number }
  | { ok: false; records: number; line: number; problem: string };

/**
 * Checks the hash chain of an audit log from its first line. On the first problem it returns
 * the 1-based line and what is wrong, with `records` the number of intact records before it.
 * A missing or empty file is intact with 0 records. Other read errors (permissions) are thrown.
 *
 * A chain cannot show that records were cut from the *end* of the log; keep copies elsewhere
 * (or compare the last hash with one recorded earlier) when that matters.
 */
export function verifyAuditLog(file: string): AuditVerifyResult {
  let expectedPrev = GENESIS_HASH;
  let records = 0;
  let lineNumber = 0;
  let failure: { line: number; problem: string } | undefined;
  const check = (line: string, terminated: boolean): string | undefined => {
    const record = parseRecordLine(line);
    if (record === undefined) {
      // appendAuditRecord terminates a cut line before appending, so an interrupted write
      // shows here: as the last line, or as a line in the middle that the chain skips over.
      return terminated
        ? "not valid JSON"
        : "not valid JSON (the last line is incomplete: an interrupted write?)";
    }
    if (!hasHashFields(record)) return "missing hash fields";
    if (hashRecord(record.prevHash, record) !== record.hash) {
      return "hash does not match the record (edited?)";
    }
    if (record.prevHash !== expectedPrev) {
      return "prevHash does not match the previous record's hash (a record was removed or reordered?)";
    }
    expectedPrev = record.hash;
    return undefined;
  };
  try {
    forEachLine(file, (line, terminated) => {
      lineNumber++;
      const problem = check(line, terminated);
      if (problem === undefined) {
        records++;
        return true;
      }
      failure = { line: lineNumber, problem };
      return false;
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return { ok: true, records: 0 };
    throw error;
  }
  return failure ? { ok: false, records, ...failure } : { ok: true, records };
}
