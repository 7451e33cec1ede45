/**
 * The progress file of a procedure: which steps of which run completed and were verified, so
 * that `--resume` continues after the last verified step and `undo` knows what to revert. It
 * lives next to the audit log (`procedures/NAME.json`), is written atomically after every
 * step, and holds no secret: params are kept only as a hash.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { canonicalJson } from "../util/canonical-json.js";

export type ProgressStatus = "running" | "failed" | "completed" | "undone";

export interface ProcedureProgress {
  version: 1;
  procedure: string;
  runId: string;
  policySha256: string;
  paramsHash: string;
  environment: string;
  status: ProgressStatus;
  /** Steps whose command ran and whose verification passed, in order (0-based indices). */
  completed: { index: number; name: string; at: string }[];
  failed?: { index: number; name: string; message: string };
  /** The params as they may be shown (secrets as ***), to rebuild the resume command. */
  params: Record<string, string>;
  startedAt: string;
  updatedAt: string;
  pid: number;
  host: string;
}

export interface ProgressStore {
  file: string;
  read(): ProcedureProgress | undefined;
  write(progress: ProcedureProgress): void;
}

/** Where a procedure's progress is kept: beside the audit log, so both move together. */
export function progressFile(auditLogFile: string, procedure: string): string {
  return join(dirname(auditLogFile), "procedures", `${procedure}.json`);
}

/** Reads and writes one procedure's progress file. An unreadable file is an error, never "no progress". */
export function createProgressStore(file: string): ProgressStore {
  return {
    file,
    read() {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new Error(`cannot read the progress file ${file}: ${(error as Error).message}`);
      }
      try {
        const progress = JSON.parse(text) as ProcedureProgress;
        if (progress.version !== 1 || !Array.isArray(progress.completed)) throw new Error("not v1");
        return progress;
      } catch {
        throw new Error(
          `the progress file ${file} is damaged; move it away to start the procedure afresh`,
        );
      }
    },
    write(progress) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(progress, null, 2)}\n`, { mode: 0o600 });
      renameSync(temporary, file);
    },
  };
}

/** A hash of the params that tells a resume whether they changed, without storing a secret. */
export function hashParams(procedure: string, values: Record<string, string>): string {
  return createHash("sha256")
    .update(`${procedure}\0${canonicalJson(values)}`)
    .digest("hex");
}
