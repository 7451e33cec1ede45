import { join, resolve } from "node:path";
import { stateDirectory } from "../util/dirs.js";

/**
 * Where the audit log lives when `--audit-log` is not given: `$PREFLIGHT_AUDIT_LOG`, else
 * `$XDG_STATE_HOME/preflight/audit.jsonl`, else `<home>/.local/state/preflight/audit.jsonl`.
 * Empty variables count as unset, and a relative XDG_STATE_HOME is ignored, as the XDG Base
 * Directory spec requires. A relative PREFLIGHT_AUDIT_LOG is returned as is: the caller
 * resolves it against its working folder.
 */
export function defaultAuditLogPath(env: Record<string, string | undefined>, home: string): string {
  const explicit = env.PREFLIGHT_AUDIT_LOG;
  if (explicit) return explicit;
  return join(stateDirectory(env, home), "audit.jsonl");
}

/**
 * The audit log a command uses: the `--audit-log` value when given, else the default above,
 * resolved against the command's working folder.
 */
export function resolveAuditLogPath(
  auditLog: string | undefined,
  env: Record<string, string | undefined>,
  home: string,
  cwd: string,
): string {
  return resolve(cwd, auditLog ?? defaultAuditLogPath(env, home));
}
