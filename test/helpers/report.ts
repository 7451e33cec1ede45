/** The shapes of the JSON report and the audit record (DESIGN.md, contract) that tests read. */

export interface DiffEntry {
  state: string;
  key: Record<string, unknown>;
  entry: Record<string, unknown>;
}

export interface Violation {
  expectation: string;
  message: string;
  entries: DiffEntry[];
  rule?: string;
}

export interface Report {
  version: number;
  mode: "run" | "plan";
  outcome: string;
  exitCode: number;
  commandExitCode: number | null;
  command: string[];
  /** Programs judged under another name than the one typed (`k` → kubectl). */
  programs?: { typed: string; path?: string; as: string; how?: string }[];
  rules: string[];
  decision: string;
  environment: {
    name: string;
    protected: boolean;
    known: boolean;
    source: string;
    target?: string;
    color: string;
    truth?: {
      tool: string;
      where: string;
      values: Record<string, string>;
      files: string[];
      problem?: string;
    };
    alias?: { name: string; known: boolean; protected: boolean; source: string; target?: string };
    note?: string;
  } | null;
  checks: { name: string; status: string; detail: string }[];
  predicted: unknown;
  diff: { added: DiffEntry[]; removed: DiffEntry[]; changed: unknown[] };
  violations: Violation[];
  confirmation: { required: boolean; given: boolean; method: string };
  rollback: { attempted: boolean; succeeded: boolean | null; detail?: string };
  reason: string | null;
  message: string;
  policy: { files: string[]; sha256: string } | null;
  startedAt: string;
  durationMs: number;
}

export interface AuditRecord extends Report {
  /** "procedure-step" and "procedure" for a procedure's records; absent for a guarded run. */
  kind?: string;
  /** A procedure step's record: its 1-based number. */
  step?: number;
  time: string;
  user: string;
  host: string;
  cwd: string;
  ci: boolean;
  prevHash: string;
  hash: string;
}

/** The `name` of every entry, e.g. the pipelines a violation lists. */
export function entryNames(entries: readonly DiffEntry[]): unknown[] {
  return entries.map((e) => e.entry.name);
}

/** Fields that differ between two records of the same run: when, how long, where in the chain. */
const VOLATILE_FIELDS = ["time", "startedAt", "durationMs", "seq", "prevHash", "hash"];

/** A record without its volatile fields, to compare what two runs recorded. */
export function withoutVolatileFields(record: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([key]) => !VOLATILE_FIELDS.includes(key)),
  );
}
