/** Lint checks about what a rule's `match` can and cannot catch. */
import { SHELLS } from "../../../command/shell-wrapper.js";
import { WRAPPERS } from "../../../command/wrapper-options.js";
import { isGlob } from "../../../policy/glob.js";
import type { Rule } from "../../../policy/types.js";
import { decisionsOf, MULTI_PURPOSE_TOOLS, matchCovers } from "../rule-facts.js";
import type { FindingDraft, LintInput } from "../types.js";

/** Programs preflight looks through: a rule on one of them sees only the bare wrapper. */
function isSeenThrough(program: string): boolean {
  return program === "env" || SHELLS.has(program) || WRAPPERS.has(program);
}

/** PF101: a `match` that no command can satisfy. */
export function neverMatches({ policy, review }: LintInput): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const rule of policy.rules) {
    const locate = review.locateRule(rule);
    rule.commands.forEach((command, k) => {
      const at = locate(["match", "command", k]);
      if (command.includes("/")) {
        const base = command.slice(command.lastIndexOf("/") + 1);
        findings.push({
          subject: { kind: "rule", rule },
          at,
          message: `rule '${rule.id}' matches program '${command}', but programs are matched by their basename; write '${base}'`,
        });
        return;
      }
      if (/\s/.test(command.trim())) {
        const [program, ...rest] = command.trim().split(/\s+/);
        findings.push({
          subject: { kind: "rule", rule },
          at,
          message: `rule '${rule.id}' matches program '${command}', but a program name has no spaces; write command: ${program} and args: [${rest.join(", ")}]`,
        });
        return;
      }
      const firstArg = rule.args[0];
      if (SHELLS.has(command) && firstArg !== undefined && /^-[a-z]*c[a-z]*$/.test(firstArg)) {
        // `sh -c '…'` is always read as the script's own commands, so a rule on the shell
        // with -c never sees it. (A bare `sudo -i` stays sudo, so wrapper options are not this.)
        findings.push({
          subject: { kind: "rule", rule },
          at,
          message: `rule '${rule.id}' matches '${command} ${firstArg}', but preflight reads ${command} ${firstArg} scripts and matches the commands in them; write a rule for those commands`,
        });
        return;
      }
      if (
        isSeenThrough(command) &&
        firstArg !== undefined &&
        !firstArg.startsWith("-") &&
        !isGlob(firstArg)
      ) {
        findings.push({
          subject: { kind: "rule", rule },
          at,
          message: `rule '${rule.id}' matches '${command} ${firstArg}', but preflight looks through ${command} and matches '${firstArg}' itself; write command: ${firstArg}`,
        });
      }
    });
  }
  return findings;
}

/**
 * PF102: a rule another rule fully shadows: the other matches everything it matches, decides
 * at least as strictly everywhere, and this one adds no checks, state, expectations, rollback,
 * reason or environment signal of its own. Deleting it would change nothing, which is rarely
 * what its author believes.
 */
export function shadowedRules({ policy, review }: LintInput): FindingDraft[] {
  const findings: FindingDraft[] = [];
  policy.rules.forEach((narrow, i) => {
    const by = policy.rules.find((wide, j) => {
      if (wide === narrow || !shadows(wide, narrow, policy)) return false;
      // Two rules that shadow each other: report only the later one.
      return !(j > i && shadows(narrow, wide, policy));
    });
    if (!by) return;
    const there = review.locateRule(by)();
    findings.push({
      subject: { kind: "rule", rule: narrow },
      at: review.locateRule(narrow)(["id"]),
      message: `rule '${narrow.id}' is fully shadowed by rule '${by.id}' (${there.file}:${there.line}:${there.column}), which matches everything it matches and decides at least as strictly everywhere; removing it would change nothing`,
    });
  });
  return findings;
}

function shadows(wide: Rule, narrow: Rule, policy: LintInput["policy"]): boolean {
  if (adds(narrow, wide)) return false;
  if (!matchCovers(wide, narrow)) return false;
  const wideDecisions = decisionsOf(wide, policy);
  const rank = { allow: 0, confirm: 1, approve: 2, deny: 3 } as const;
  return decisionsOf(narrow, policy).every(
    (d, k) => rank[wideDecisions[k]!.decision] >= rank[d.decision],
  );
}

/** Whether `narrow` brings anything `wide` does not, besides its decision. */
function adds(narrow: Rule, wide: Rule): boolean {
  return (
    narrow.checks.length > 0 ||
    narrow.state.length > 0 ||
    narrow.expect !== undefined ||
    narrow.rollback !== undefined ||
    (narrow.requireReason && !wide.requireReason) ||
    (narrow.environment !== undefined &&
      JSON.stringify(narrow.environment) !== JSON.stringify(wide.environment))
  );
}

/** PF110: a bare program with many subcommands. */
export function overBroadMatch({ policy, review }: LintInput): FindingDraft[] {
  return policy.rules.flatMap((rule) =>
    rule.args.length > 0
      ? []
      : rule.commands
          .map((command, k) => ({ command, k }))
          .filter(({ command }) => MULTI_PURPOSE_TOOLS.has(command))
          .map(({ command, k }) => ({
            subject: { kind: "rule" as const, rule },
            at: review.locateRule(rule)(["match", "command", k]),
            message: `rule '${rule.id}' matches every '${command}' command (no args), including read-only ones such as '${command} ${command === "git" ? "status" : "help"}'; name the subcommand in match.args`,
          })),
  );
}
