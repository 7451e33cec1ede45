/** A record as read back from the log: a JSON object on one line. */
export type AuditRecord = Record<string, unknown>;

/** The record on a line of the log, or undefined when the line is not a JSON object. */
export function parseRecordLine(line: string): AuditRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as AuditRecord)
    : undefined;
}

/** Whether a record carries the chain fields an append wrote. */
export function hasHashFields(
  record: AuditRecord,
): record is AuditRecord & { prevHash: string; hash: string } {
  return typeof record.prevHash === "string" && typeof record.hash === "string";
}
