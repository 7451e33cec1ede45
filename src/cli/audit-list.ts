import { existsSync } from "node:fs";
import type { AuditRecord } from "../audit/parse.js";
import { resolveAuditLogPath } from "../audit/path.js";
import { readAuditRecords } from "../audit/records.js";
import { redactArgv, redactDeep, redactText } from "../report/redact.js";
import type { CliContext } from "./context.js";

const DEFAULT_LIMIT = 20;
// SEQ first: the number `audit show SEQ` takes.
export const HEADER = ["SEQ", "TIME", "OUTCOME", "EXIT", "ENVIRONMENT", "USER", "COMMAND"];
const SHELL_SAFE = /^[\w@%+=:,./*-]+$/;
/** Control characters in a record (an escape sequence in a command) must not reach a terminal. */
const CONTROL = /\p{Cc}/gu;

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function quoteWord(word: string): string {
  return SHELL_SAFE.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function commandText(command: unknown): string | undefined {
  if (Array.isArray(command))
    return redactArgv(command.map((word) => text(word) ?? ""))
      .map(quoteWord)
      .join(" ");
  return typeof command === "string" ? redactText(command) : undefined;
}

/** The command; for a procedure's records, which procedure and step too. */
function whatRan(record: AuditRecord): string | undefined {
  const command = commandText(record.command);
  if (record.kind === "procedure-step") {
    return `procedure ${text(record.procedure)} step ${text(record.step)} '${text(record.stepName)}'${command ? `: ${command}` : ""}`;
  }
  if (record.kind === "procedure") {
    return `procedure ${text(record.procedure)} (${text(record.mode)})`;
  }
  return command;
}

/** One table row; records from any version of preflight, so every field may be missing. */
export function row(record: AuditRecord): string[] {
  const environment = record.environment;
  const environmentName =
    environment !== null && typeof environment === "object"
      ? text((environment as Record<string, unknown>).name)
      : text(environment);
  return [
    text(record.seq),
    text(record.time) ?? text(record.startedAt),
    text(record.outcome),
    text(record.exitCode),
    environmentName,
    text(record.user),
    whatRan(record),
  ].map((cell) => (cell ?? "-").replace(CONTROL, "?"));
}

export function renderTable(rows: string[][]): string {
  const widths = HEADER.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
  return rows
    .map((cells) =>
      cells
        .map((cell, column) => (column < cells.length - 1 ? cell.padEnd(widths[column]!) : cell))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * `preflight audit list`: the most recent records (default 20), oldest first, as an aligned
 * table or, with `json`, a JSON array on stdout. Values are redacted again on the way out, in
 * case the log was written by something that did not. Returns 0, 64 for a bad limit, 71 when
 * the log cannot be read.
 */
export async function auditList(
  options: { auditLog?: string; json?: boolean; limit?: number },
  ctx: CliContext,
): Promise<number> {
  const file = resolveAuditLogPath(options.auditLog, ctx.env, ctx.home, ctx.cwd);
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    ctx.stderr(`preflight: --limit must be a whole number of at least 1, not ${limit}\n`);
    return 64;
  }
  let records: AuditRecord[];
  try {
    records = readAuditRecords(file, limit);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.stderr(`preflight: cannot read the audit log ${file}: ${reason}\n`);
    return 71;
  }
  if (options.json) {
    ctx.stdout(`${JSON.stringify(redactDeep(records), null, 2)}\n`);
    return 0;
  }
  if (records.length === 0) {
    // Only data goes to stdout: a script reading it sees an empty list, not a message.
    ctx.stderr(existsSync(file) ? `no records in ${file}\n` : `no audit log at ${file} yet\n`);
    return 0;
  }
  ctx.stdout(`${renderTable([HEADER, ...records.map(row)])}\n`);
  return 0;
}
