/**
 * `policy diff` as data: every command whose outcome differs between two policy versions,
 * and every policy-wide difference, each sorted into weakenings, tightenings and changes.
 */
import type { Policy } from "../../policy/types.js";
import { type DiffCommand, diffCommands } from "./commands.js";
import { compareOutcomes, comparePolicies, type Difference } from "./compare.js";
import { commandOutcome } from "./outcome.js";

export interface CommandDifference {
  command: DiffCommand;
  differences: Difference[];
}

export interface PolicyDiff {
  old: string;
  new: string;
  /** How many commands were compared, and how many came from --commands. */
  compared: number;
  extra: number;
  commands: CommandDifference[];
  policy: Difference[];
  weakenings: number;
  tightenings: number;
}

export function diffPolicies(input: {
  oldName: string;
  newName: string;
  old: Policy;
  new: Policy;
  extra: readonly DiffCommand[];
}): PolicyDiff {
  const commands = diffCommands(input.old, input.new, input.extra);
  const changed = commands
    .map((command) => ({
      command,
      differences: compareOutcomes(
        commandOutcome(input.old, command),
        commandOutcome(input.new, command),
      ),
    }))
    .filter((c) => c.differences.length > 0);
  const policy = comparePolicies(input.old, input.new);
  const all = [...changed.flatMap((c) => c.differences), ...policy];
  return {
    old: input.oldName,
    new: input.newName,
    compared: commands.length,
    extra: input.extra.length,
    commands: changed,
    policy,
    weakenings: all.filter((d) => d.direction === "weakening").length,
    tightenings: all.filter((d) => d.direction === "tightening").length,
  };
}
