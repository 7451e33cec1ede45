/**
 * The reviewer's view of a policy diff: the structural changes first (weakenings, then what
 * needs a human, then tightenings and neutral edits), each with where it is written on both
 * sides; then the sampled commands whose outcome differs, as evidence.
 */
import { formatArgv } from "../../command/template.js";
import type { SourceRef } from "../../policy/types.js";
import type { DiffCommand } from "./commands.js";
import type { Direction } from "./compare.js";
import { needsSecondReview, type PolicyDiff } from "./diff.js";
import type { ChangeClass, StructuralChange } from "./structure/change.js";

export const CLASS_LABEL: Record<ChangeClass, { mark: string; label: string }> = {
  weakening: { mark: "✘", label: "weakening" },
  "needs-human": { mark: "?", label: "needs a human" },
  tightening: { mark: "✔", label: "tightening" },
  neutral: { mark: "•", label: "neutral" },
};

const SAMPLED: { direction: Direction; title: string; mark: string }[] = [
  { direction: "weakening", title: "less guarded", mark: "✘" },
  { direction: "tightening", title: "more guarded", mark: "✔" },
  { direction: "change", title: "otherwise changed", mark: "•" },
];

export function renderPolicyDiff(diff: PolicyDiff): string {
  const out = [`policy diff ${diff.old} → ${diff.new}`, ""];
  if (diff.structure.length === 0) {
    out.push("structural changes: none (the two compiled policies mean the same)");
  } else {
    out.push(`structural changes (${diff.structure.length}):`);
    for (const c of diff.structure) {
      const { mark, label } = CLASS_LABEL[c.class];
      out.push(`  ${mark} ${label}: ${c.subject}: ${c.text}`);
      const where = whereText(c);
      if (where) out.push(`      ${where}`);
    }
  }
  out.push(
    "",
    `sampled commands: ${diff.compared} compared (${diff.compared - diff.extra} from the two versions' test cases${diff.extra ? `, ${diff.extra} from --commands` : ""}), ${diff.commands.length} with a different outcome`,
  );
  for (const { direction, title, mark } of SAMPLED) {
    const entries: string[] = [];
    for (const c of diff.commands) {
      const mine = c.differences.filter((d) => d.direction === direction);
      if (mine.length === 0) continue;
      entries.push(`  ${mark} ${showCommand(c.command)}`);
      for (const d of mine) entries.push(`      ${d.text}`);
    }
    if (entries.length > 0) out.push(`${title}:`, ...entries);
  }
  out.push("", verdict(diff));
  return `${out.join("\n")}\n`;
}

export function verdict(diff: PolicyDiff): string {
  const n = (count: number, one: string, many = `${one}s`) =>
    `${count} ${count === 1 ? one : many}`;
  const counts = `${n(diff.weakenings, "weakening")}, ${n(diff.needsHuman, "change", "changes")} needing a human, ${n(diff.tightenings, "tightening")}, ${n(diff.neutral, "neutral change")}`;
  if (needsSecondReview(diff)) {
    const sampledOnly =
      diff.weakenings + diff.needsHuman === 0
        ? "; a sampled command is less guarded than before"
        : "";
    return `${counts}${sampledOnly}: this change may make some commands less guarded; it deserves a second reviewer`;
  }
  if (diff.structure.length === 0) return "no differences in meaning";
  return `${counts}: no command is less guarded`;
}

export function whereText(c: StructuralChange): string {
  const at = (s?: SourceRef) => (s ? `${s.file}:${s.line}` : undefined);
  const [a, b] = [at(c.old), at(c.new)];
  if (a && b) return `at ${a} → ${b}`;
  if (a) return `at ${a} (old)`;
  if (b) return `at ${b} (new)`;
  return "";
}

export function showCommand(c: DiffCommand): string {
  const vars = Object.entries(c.vars).map(([k, v]) => `${k}=${formatArgv([v])}`);
  const env = c.env !== undefined ? ` (--env ${c.env})` : "";
  return `${[...vars, formatArgv(c.argv)].join(" ")}${env}`;
}
