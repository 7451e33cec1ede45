import { statSync } from "node:fs";
import { resolveAuditLogPath } from "../audit/path.js";
import { verifyAuditLog } from "../audit/verify.js";
import type { CliContext } from "./context.js";

const INTACT = 0;
const BROKEN = 1;
const UNREADABLE = 71;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What `audit verify --json` prints: the verdict as data, whatever it is. */
interface Verdict {
  file: string;
  intact: boolean;
  /** Records that verified (before the broken line, when there is one). */
  records: number;
  line?: number;
  problem?: string;
}

/**
 * `preflight audit verify`: checks the audit log's hash chain. Returns 0 when it is intact, 1
 * when it is broken (a finding, printed as `FILE:LINE: problem`) or there is no log to verify,
 * and 71 when the log cannot be read. With `json`, the verdict is one JSON object on stdout.
 */
export async function auditVerify(
  options: { auditLog?: string; json?: boolean },
  ctx: CliContext,
): Promise<number> {
  const file = resolveAuditLogPath(options.auditLog, ctx.env, ctx.home, ctx.cwd);
  if (options.json) {
    const { verdict, code } = verdictOf(file);
    ctx.stdout(`${JSON.stringify(verdict, null, 2)}\n`);
    return code;
  }
  try {
    statSync(file);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") {
      // Nothing to verify is not "intact": a mistyped path or a deleted log must not pass.
      ctx.stderr(`preflight: no audit log at ${file}; nothing was verified\n`);
      return BROKEN;
    }
    ctx.stderr(`preflight: cannot read the audit log ${file}: ${errorMessage(error)}\n`);
    return UNREADABLE;
  }
  let result: ReturnType<typeof verifyAuditLog>;
  try {
    result = verifyAuditLog(file);
  } catch (error) {
    ctx.stderr(`preflight: cannot read the audit log ${file}: ${errorMessage(error)}\n`);
    return UNREADABLE;
  }
  if (result.ok) {
    const noun = result.records === 1 ? "record" : "records";
    ctx.stdout(`audit log ${file}: ${result.records} ${noun}, hash chain intact\n`);
    return INTACT;
  }
  const intact =
    result.records === 0
      ? ""
      : `  the ${result.records} ${result.records === 1 ? "record" : "records"} before it verified\n`;
  ctx.stderr(
    `${file}:${result.line}: ${result.problem}\n${intact}` +
      "  records from this line on cannot be trusted; keep a copy of the file for investigation\n",
  );
  return BROKEN;
}

function verdictOf(file: string): { verdict: Verdict; code: number } {
  const refused = (problem: string, code: number) => ({
    verdict: { file, intact: false, records: 0, problem },
    code,
  });
  let result: ReturnType<typeof verifyAuditLog>;
  try {
    statSync(file);
    result = verifyAuditLog(file);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT")
      return refused("no audit log here; nothing was verified", BROKEN);
    return refused(`cannot read the audit log: ${errorMessage(error)}`, UNREADABLE);
  }
  if (result.ok) return { verdict: { file, intact: true, records: result.records }, code: INTACT };
  return {
    verdict: {
      file,
      intact: false,
      records: result.records,
      line: result.line,
      problem: result.problem,
    },
    code: BROKEN,
  };
}
