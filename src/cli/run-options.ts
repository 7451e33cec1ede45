/**
 * The options of `run` and `plan`, in one table that both the fast argv reader and the
 * commander definitions use, so the two can never disagree.
 */
export interface RunCommandOptions {
  verb: "run" | "plan";
  command: string[];
  policy: string[];
  env?: string;
  confirm?: string;
  reason?: string;
  report?: string;
  auditLog?: string;
  /** `--wait 5m`: how long to wait for a team lock; parsed by the run command. */
  wait?: string;
  /** `--approval ID`: the approved request (preflight request / approve) this run uses. */
  approval?: string;
  json: boolean;
  color: boolean;
}

export interface OptionSpec {
  flag: string;
  value?: string;
  key:
    | "policy"
    | "env"
    | "confirm"
    | "reason"
    | "report"
    | "auditLog"
    | "wait"
    | "approval"
    | "json"
    | "noColor";
  help: string;
  planOnly?: boolean;
  repeatable?: boolean;
}

export const RUN_OPTIONS: readonly OptionSpec[] = [
  {
    flag: "--policy",
    value: "PATH",
    key: "policy",
    repeatable: true,
    help: "a policy file or folder (repeatable); default $PREFLIGHT_POLICY, ./preflight.yaml or .preflight/ upwards, ~/.config/preflight/, /etc/preflight/, else the bundled policy (preflight policy which)",
  },
  {
    flag: "--env",
    value: "NAME",
    key: "env",
    help: "the environment you mean to target; if the command targets another, it is blocked",
  },
  {
    flag: "--confirm",
    value: "NAME",
    key: "confirm",
    help: "confirm without a prompt: NAME must equal the detected environment",
  },
  {
    flag: "--reason",
    value: "TEXT",
    key: "reason",
    help: "why; recorded in the audit log (a rule may require one)",
  },
  {
    flag: "--report",
    value: "FILE",
    key: "report",
    help: "write the JSON report to FILE, whatever the outcome",
  },
  {
    flag: "--audit-log",
    value: "FILE",
    key: "auditLog",
    help: "default $PREFLIGHT_AUDIT_LOG, else $XDG_STATE_HOME/preflight/audit.jsonl",
  },
  {
    flag: "--wait",
    value: "DURATION",
    key: "wait",
    help: "wait this long (30s, 5m) for a team lock another run holds, instead of refusing",
  },
  {
    flag: "--approval",
    value: "ID",
    key: "approval",
    help: "use this approved request (preflight request, then a teammate's preflight approve ID); once",
  },
  { flag: "--json", key: "json", planOnly: true, help: "print the JSON report to stdout" },
  {
    flag: "--no-color",
    key: "noColor",
    help: "no colour (NO_COLOR and FORCE_COLOR are honoured too)",
  },
];
