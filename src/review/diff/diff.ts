/**
 * `policy diff` as data. First the structural diff: every change of meaning between the two
 * compiled policies, key by key, classed and located on both sides. Then, as evidence, every
 * sampled command (test cases, --commands) whose outcome differs between the versions.
 */
import type { DiffCommand } from "./commands.js";
import { diffCommands } from "./commands.js";
import { compareOutcomes, type Difference } from "./compare.js";
import { commandOutcome } from "./outcome.js";
import { compareStructure, type DiffSide, type StructuralChange } from "./structure/structural.js";

export interface CommandDifference {
  command: DiffCommand;
  differences: Difference[];
}

export interface PolicyDiff {
  old: string;
  new: string;
  /** Every change of meaning, weakenings first. */
  structure: StructuralChange[];
  /** How many commands were sampled, and how many came from --commands. */
  compared: number;
  extra: number;
  commands: CommandDifference[];
  weakenings: number;
  tightenings: number;
  needsHuman: number;
  neutral: number;
  /** Sampled commands that are less guarded (evidence; each should match a structural weakening). */
  sampledWeakenings: number;
}

export function diffPolicies(input: {
  oldName: string;
  newName: string;
  old: DiffSide;
  new: DiffSide;
  extra: readonly DiffCommand[];
}): PolicyDiff {
  const structure = compareStructure(input.old, input.new);
  const commands = diffCommands(input.old.policy, input.new.policy, input.extra);
  const changed = commands
    .map((command) => ({
      command,
      differences: compareOutcomes(
        commandOutcome(input.old.policy, command),
        commandOutcome(input.new.policy, command),
      ),
    }))
    .filter((c) => c.differences.length > 0);
  const count = (cls: StructuralChange["class"]) => structure.filter((c) => c.class === cls).length;
  return {
    old: input.oldName,
    new: input.newName,
    structure,
    compared: commands.length,
    extra: input.extra.length,
    commands: changed,
    weakenings: count("weakening"),
    tightenings: count("tightening"),
    needsHuman: count("needs-human"),
    neutral: count("neutral"),
    sampledWeakenings: changed
      .flatMap((c) => c.differences)
      .filter((d) => d.direction === "weakening").length,
  };
}

/** Exit 1 when a person must look again: a weakening, an unclassed change, or a weaker command. */
export function needsSecondReview(diff: PolicyDiff): boolean {
  return diff.weakenings + diff.needsHuman + diff.sampledWeakenings > 0;
}
