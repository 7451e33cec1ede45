/**
 * `preflight audit show SEQ`: one audit record in full — the one `audit list` summarises in a
 * row — as `field: value` lines, or with `json` as the record itself. Values are redacted
 * again on the way out, as `audit list` does. Returns 0, 1 when no record has that number,
 * 64 for a SEQ that is not a number, 71 when the log cannot be read.
 */
import type { AuditRecord } from "../audit/parse.js";
import { resolveAuditLogPath } from "../audit/path.js";
import { readAuditRecords } from "../audit/records.js";
import { redactDeep } from "../report/redact.js";
import type { CliContext } from "./context.js";

/** Control characters in a record (an escape sequence in a command) must not reach a terminal. */
const CONTROL = /\p{Cc}/gu;

export async function auditShow(
  options: { seq: string; auditLog?: string; json?: boolean },
  ctx: CliContext,
): Promise<number> {
  const seq = Number(options.seq);
  if (!/^\d+$/.test(options.seq) || !Number.isSafeInteger(seq)) {
    ctx.stderr(
      `preflight: audit show takes a record's number (the seq audit list --json shows), not '${options.seq}'\n`,
    );
    return 64;
  }
  const file = resolveAuditLogPath(options.auditLog, ctx.env, ctx.home, ctx.cwd);
  let records: AuditRecord[];
  try {
    records = readAuditRecords(file, Number.MAX_SAFE_INTEGER);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.stderr(`preflight: cannot read the audit log ${file}: ${reason}\n`);
    return 71;
  }
  const record = records.find((r) => r.seq === seq);
  if (!record) {
    const last = records.at(-1)?.seq;
    const range = typeof last === "number" ? ` (its records are numbered up to ${last})` : "";
    ctx.stderr(`preflight: no record ${seq} in the audit log ${file}${range}\n`);
    return 1;
  }
  const shown = redactDeep(record) as Record<string, unknown>;
  if (options.json) {
    ctx.stdout(`${JSON.stringify(shown, null, 2)}\n`);
    return 0;
  }
  ctx.stdout(`${renderFields(shown)}\n`);
  return 0;
}

/** `field: value`, aligned; nested values as one line of JSON. */
function renderFields(record: Record<string, unknown>): string {
  const entries = Object.entries(record).filter(([, value]) => value !== undefined);
  const width = Math.max(...entries.map(([key]) => key.length));
  return entries
    .map(([key, value]) => {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      return `${key.padEnd(width)}  ${text.replace(CONTROL, "?")}`;
    })
    .join("\n");
}
