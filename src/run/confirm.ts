/**
 * The confirmation step. Only the literal environment name lets a run go ahead: typed at the
 * prompt on a terminal, or given as `--confirm NAME` when non-interactive. Nothing else — not
 * "yes", not a near miss — counts (Terraform's apply only proceeds on the exact answer too).
 */
import type { ResolvedEnvironment } from "../environment/resolve.js";
import type { Prompter } from "./ports.js";

export type ConfirmationResult =
  | { ok: true; method: "typed" | "flag" | "none"; reason: string | null }
  | {
      ok: false;
      method: "typed" | "flag" | "none";
      message: string;
      hint: string;
      reason: string | null;
    };

/** The reason and the typed (or --confirm) environment name a run needs before it may go ahead. */
export async function obtainConfirmation(input: {
  needed: boolean;
  requireReason: boolean;
  reasonRuleIds: string[];
  environment: ResolvedEnvironment;
  /** Whether the policy names any environments the operator could point --env at. */
  environmentsDefined: boolean;
  confirmFlag?: string;
  reason?: string;
  interactive: boolean;
  /** `plan`: never asks, and says what `run` would ask for. */
  planning?: boolean;
  prompter: Prompter;
}): Promise<ConfirmationResult> {
  let reason = input.reason?.trim() || null;
  const reasonMissing = input.requireReason && !reason;
  if (reasonMissing && !input.interactive) {
    return {
      ok: false,
      method: "none",
      reason,
      message: `rule ${input.reasonRuleIds.join(", ")} requires a reason`,
      hint: `re-run with --reason "why this is being done"`,
    };
  }
  // The reason is asked last, after the environment's name: asked first, the habit of typing
  // "production" at preflight's first prompt recorded it as the reason.
  const withReason = async (method: "typed" | "flag" | "none"): Promise<ConfirmationResult> => {
    if (!reasonMissing) return { ok: true, method, reason };
    reason = (await input.prompter.askReason())?.trim() || null;
    if (reason) return { ok: true, method, reason };
    return {
      ok: false,
      method,
      reason,
      message: "no reason given, so nothing was run",
      hint: `give one with --reason "…"`,
    };
  };
  if (!input.needed) return withReason("none");

  const problem = input.environment.truth?.problem;
  if (!input.environment.known && problem !== undefined) {
    // The tool's own configuration could not be read: there is no name that means "there".
    return {
      ok: false,
      method: "none",
      reason,
      message: `preflight cannot read where this command goes (${problem}), so there is no environment name to confirm`,
      hint: "fix that configuration (or the flag or variable that names it), then run it again",
    };
  }
  if (
    !input.environment.known &&
    input.environment.target === undefined &&
    input.environmentsDefined
  ) {
    // Nothing in the command says where it goes (kubectl's current context, say). A fixed
    // word such as "unknown" would become a key that confirms anything, so the operator must
    // say which environment they mean; --env is recorded and checked like any other signal.
    return {
      ok: false,
      method: "none",
      reason,
      message:
        "preflight cannot tell which environment this command targets, so there is no name to confirm",
      hint: "say which one with --env NAME (it is recorded in the audit log), then confirm that name",
    };
  }
  const expected = input.environment.name;
  if (input.confirmFlag !== undefined) {
    if (expected !== "" && input.confirmFlag === expected) return withReason("flag");
    return {
      ok: false,
      method: "flag",
      reason,
      message: `--confirm ${input.confirmFlag} does not match the environment this command targets: ${expected} (from ${input.environment.source})`,
      hint: `check the target; if ${expected} is really meant, pass --confirm ${expected}`,
    };
  }
  if (!input.interactive) {
    return {
      ok: false,
      method: "none",
      reason,
      message: input.planning
        ? `run would ask you to type ${expected} (or take --confirm ${expected})`
        : `this needs confirmation for ${expected}, and there is no terminal to ask on`,
      hint: `re-run with --confirm ${expected} once you are sure`,
    };
  }
  const typed = await input.prompter.typeEnvironmentName(expected);
  if (expected !== "" && typed === expected) return withReason("typed");
  return {
    ok: false,
    method: "typed",
    reason,
    message:
      typed === undefined
        ? "confirmation cancelled; nothing was run"
        : `you typed '${typed}', not '${expected}'; nothing was run`,
    hint: `to go ahead, run it again and type ${expected} exactly`,
  };
}
