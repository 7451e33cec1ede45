/** The audit sink over the hash-chained log file. */
import {
  appendAuditRecord,
  appendPreparedRecord,
  ensureAuditWritable,
  prepareAuditRecord,
} from "../audit/log.js";
import type { AuditSink } from "../run/ports.js";

/**
 * `fsync: false` is for a command no rule matched, and only that: its record is still
 * chained, locked and written before preflight exits (a crash of preflight loses nothing the
 * kernel has), but not forced to the disk, so a power cut in the next seconds could lose it.
 * Every other run keeps the default: written and fsynced before the exit code is returned.
 */
export function createAuditSink(file: string, options: { fsync?: boolean } = {}): AuditSink {
  const fsync = options.fsync ?? true;
  return {
    ensureWritable: () => ensureAuditWritable(file),
    append: (record) => {
      appendAuditRecord(file, record, { fsync });
    },
    prepare: (record) => {
      // Prepared while the command runs: the log's end is read then too.
      const prepared = prepareAuditRecord(file, record, { readAhead: true });
      return {
        append: (late) => {
          appendPreparedRecord(prepared, late, { fsync });
        },
      };
    },
  };
}
