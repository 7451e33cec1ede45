/** The audit sink over the hash-chained log file. */
import { appendAuditRecord, ensureAuditWritable } from "../audit/log.js";
import type { AuditSink } from "../run/ports.js";

export function createAuditSink(file: string): AuditSink {
  return {
    ensureWritable: () => ensureAuditWritable(file),
    append: (record) => {
      appendAuditRecord(file, record);
    },
  };
}
