/**
 * The audit sink with a team database: each record goes to the local log (as without one)
 * and to the spool, both synchronously; `flush` then uploads the spool to the shared trail.
 * Before a protected run, `ensureWritable` also makes sure the database is reachable and has
 * the schema, or (with `offline: spool`) says the records will wait in the spool.
 *
 * This module is in the CLI's bundle and must stay light: the PostgreSQL parts are in
 * dist/team.cjs (src/team/modules.ts), loaded through loadTeamModules() only when needed.
 */
import { randomUUID } from "node:crypto";
import { redactDeep } from "../report/redact.js";
import type { AuditSink } from "../run/ports.js";
import { loadTeamModules } from "./lazy.js";
import type { TeamConfig } from "./settings.js";
import { spoolEntry } from "./spool.js";

export interface TeamAuditSink extends AuditSink {
  /** Uploads what is spooled; returns what to tell the user, or undefined when all landed. */
  flush(): Promise<string | undefined>;
}

/** Wraps the local sink: records also go to the spool and from there to the shared trail. */
export function createTeamAuditSink(
  local: AuditSink,
  config: TeamConfig,
  actor: string,
  notice: (text: string) => void,
): TeamAuditSink {
  let spooledSinceFlush = 0;
  return {
    async ensureWritable() {
      await local.ensureWritable();
      const { checkReachable } = await loadTeamModules();
      const problem = await checkReachable(config);
      if (problem === undefined) return;
      if (config.offline !== "spool") {
        throw Object.assign(new Error(`the team database cannot record it: ${problem}`), {
          hint: `fix the connection (\`preflight team status\` shows it), or set team.offline: spool in the policy to let records wait in ${config.spoolFile}`,
        });
      }
      notice(
        `preflight: the team database cannot be used (${problem}); records wait in ${config.spoolFile} until \`preflight team sync\` (team.offline: spool)\n`,
      );
    },
    append(record) {
      local.append(record);
      // The local log is the record of last resort; a spool that cannot be written is the
      // same failure as a log that cannot be (the run decides what that means).
      spoolEntry(config.spoolFile, {
        recordId: randomUUID(),
        team: config.team,
        actor,
        record: redactDeep(record),
      });
      spooledSinceFlush++;
    },
    async flush() {
      if (spooledSinceFlush === 0) return undefined;
      const { uploadSpool } = await loadTeamModules();
      const upload = await uploadSpool(config);
      if (upload.error === undefined) return undefined;
      return `preflight: the record is not in the team's shared audit trail yet (${upload.error}); it waits in ${config.spoolFile} (${upload.remaining} waiting): \`preflight team sync\` uploads it, as does the next run\n`;
    },
  };
}
