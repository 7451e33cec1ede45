/** The human view of an explanation: what a reviewer would write, section by section. */
import { formatArgv } from "../../command/template.js";
import type { SourceRef } from "../../policy/types.js";
import { describeProgram } from "../../report/program-text.js";
import type { CommandExplanation, EnvironmentExplanation, Explanation } from "./explain.js";

export function renderExplanation(e: Explanation): string {
  const out: string[] = [];
  const row = (label: string, text: string) => out.push(`${label.padEnd(13)}${text}`);
  row("command", formatArgv(e.command));
  row("policy", e.policyFiles.join(", "));
  if (e.unparsable) row("script", `cannot be read: ${e.unparsable}`);
  const single = e.commands.length === 1;
  for (const [i, c] of e.commands.entries()) {
    const label = single ? "normalised" : `command ${i + 1}`;
    row(
      label,
      `${formatArgv(c.argv)}${c.via.length ? `  (looked through: ${c.via.join(", ")})` : ""}`,
    );
  }
  if (e.commands.length === 0) row("normalised", "no simple command to check");
  for (const c of e.commands) if (c.program) row("program", describeProgram(c.program));
  for (const c of e.commands) {
    out.push("");
    out.push(`rules, for ${formatArgv(c.argv)}:`);
    out.push(...renderRules(c));
    if (!single && c.environment && c.decision) {
      out.push(`  → ${c.decision} by rule ${c.decidedBy}, in ${renderEnvironment(c.environment)}`);
    }
  }
  out.push("");
  if (e.environment) row("environment", renderEnvironment(e.environment));
  else row("environment", "not looked at: no rule matches");
  const truth = e.environment?.truth;
  if (truth) {
    row("read", truth.files.length ? truth.files.join(", ") : "no configuration file");
    row(
      "goes to",
      truth.problem !== undefined ? `unknown: ${truth.problem}` : `${truth.tool} → ${truth.where}`,
    );
  }
  if (e.environment?.note !== undefined) row("names", e.environment.note);
  row("decision", renderDecision(e));
  if (e.blocked) {
    row("outcome", `blocked — ${e.blocked.reason}`);
    row("", `what to do: ${e.blocked.hint}`);
  } else if (e.confirmation.required) {
    row(
      "confirmation",
      e.confirmation.word
        ? `type '${e.confirmation.word}' at the prompt, or --confirm ${e.confirmation.word} without a terminal`
        : "the command names no target: say which environment with --env NAME, then confirm that name",
    );
  }
  if (e.confirmation.reason) row("reason", "required (--reason, or asked at the prompt)");
  return `${out.join("\n")}\n`;
}

/** Past this many rules for other programs, they are summed up in one line each program. */
const LIST_OTHER_PROGRAMS = 20;

function renderRules(c: CommandExplanation): string[] {
  if (c.rules.length === 0) return ["  (the policy has no rules)"];
  const others = c.rules.filter((r) => !r.matched && r.program === undefined);
  const grouped = others.length > LIST_OTHER_PROGRAMS;
  const listed = c.rules.flatMap((r) => {
    if (grouped && !r.matched && r.program === undefined) return [];
    if (!r.matched) return [`  ✘ ${r.id} (${where(r.source)}): ${r.reason}`];
    const lines = [`  ✔ ${r.id} (${where(r.source)}) matches`];
    const args = r.args.map((a) => `${JSON.stringify(a.pattern)} = '${a.value}' (word ${a.word})`);
    lines.push(
      `      program ${JSON.stringify(r.program)}${args.length ? `; args ${args.join(", ")}` : "; any arguments"}`,
    );
    if (r.decision) lines.push(`      decides ${r.decision} (${r.decisionFrom})`);
    return lines;
  });
  if (grouped) listed.push(`  ✘ ${others.length} more rules are for other programs`);
  return listed;
}

function renderEnvironment(env: EnvironmentExplanation): string {
  const kind = env.known
    ? env.protected
      ? "protected"
      : "not protected"
    : "unknown, handled as protected";
  const from =
    env.source === "none"
      ? ""
      : `, from ${env.source}${env.target !== undefined ? ` '${env.target}'` : ""}`;
  return `${env.name} (${kind})${from}: ${env.why}`;
}

function renderDecision(e: Explanation): string {
  if (e.decision === "none")
    return "none: no rule matches, so the command runs as it is, unguarded";
  const by = e.decidedBy ? `, by rule ${e.decidedBy}` : "";
  const strictest = e.commands.flatMap((c) => c.rules).filter((r) => r.matched).length > 1;
  return `${e.decision}${by}${strictest ? " (the strictest of the matching rules)" : ""}`;
}

function where(at: SourceRef): string {
  return `${at.file}:${at.line}`;
}
