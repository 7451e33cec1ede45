/** The shape every state probe kind shares. */
import type { AwsClients } from "../aws/clients.js";
import type { TemplateLookup } from "../command/template.js";
import type { Entry } from "../diff/types.js";
import type { StateSpec } from "../policy/types.js";
import type { ProcessRunner } from "../ports/process-runner.js";

export interface ProbeContext {
  runner: ProcessRunner;
  lookup: TemplateLookup;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The command as the rule matched it: probes that follow its own options (--profile) read it. */
  argv?: readonly string[];
  /** AWS SDK clients, loaded on first use, for probes that call AWS. */
  aws?: AwsClients;
  home?: string;
}

export class ProbeError extends Error {}

/** What a kind predicts a command will do to its state, before the command runs. */
export type StatePrediction =
  | {
      kind: "predicted";
      /** What the command does, in words: "revoke-security-group-ingress on db (sg-1)". */
      summary: string;
      /** Entries that will go / come: the predicted diff. */
      removed: Entry[];
      added: Entry[];
      /** Entries the command names that do not match the state (absent, already there, invalid). */
      unmatched: { entry: Entry; why: string }[];
      /** Warnings in plain words, shown in the plan. */
      notes: string[];
      /** Nothing will change whatever the state (a dry run, a call AWS refuses). */
      noChange: boolean;
      /** What one entry is called ("grant"); default "entry". */
      noun?: string;
    }
  | { kind: "unpredictable"; problem: string };

/** What should be undone in one state after a failed verification. */
export interface UndoPlan {
  /** Entries the command removed that must come back. */
  restore: Entry[];
  /** Entries the command added that must go. */
  remove: Entry[];
  /** Entries the command changed: each `before` must be put back over `after`. */
  revert: { before: Entry; after: Entry }[];
}

export interface UndoStep {
  entry: Entry;
  action: "re-created" | "removed" | "reverted";
  /** What was done, in the kind's own words ("re-authorized", "revoked"). */
  done: string;
  ok: boolean;
  /** Why it failed. */
  problem?: string;
}

export interface StateKind<S extends StateSpec = StateSpec> {
  kind: S["kind"];
  /** Takes a snapshot; throws ProbeError when it cannot. */
  snapshot(spec: S, context: ProbeContext): Promise<Entry[]>;
  /**
   * Predicts the command's change to this state from the before-snapshot (`before` is the
   * array `snapshot` returned); undefined when the command is not one this kind understands.
   */
  predict?(
    spec: S,
    context: ProbeContext,
    before: readonly Entry[],
  ): Promise<StatePrediction | undefined>;
  /** Undoes entries one by one (`rollback: auto`); never throws for one entry's failure. */
  restore?(spec: S, context: ProbeContext, plan: UndoPlan): Promise<UndoStep[]>;
  /** The commands a person would run to carry out `plan` by hand (when preflight may not). */
  undoCommands?(spec: S, context: ProbeContext, plan: UndoPlan): Promise<string[]>;
}
