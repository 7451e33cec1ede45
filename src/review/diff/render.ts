/**
 * The reviewer's view of a policy diff: weakenings first and marked ✘, then tightenings (✔),
 * then other changes (•), each under the command it affects, with the rule responsible.
 */
import { formatArgv } from "../../command/template.js";
import type { DiffCommand } from "./commands.js";
import type { Difference, Direction } from "./compare.js";
import type { PolicyDiff } from "./diff.js";

const SECTIONS: { direction: Direction; title: string; mark: string }[] = [
  { direction: "weakening", title: "weakenings", mark: "✘" },
  { direction: "tightening", title: "tightenings", mark: "✔" },
  { direction: "change", title: "other changes", mark: "•" },
];

export function renderPolicyDiff(diff: PolicyDiff): string {
  const out = [
    `policy diff ${diff.old} → ${diff.new}`,
    `${diff.compared} commands compared (${diff.compared - diff.extra} from the two versions' test cases${diff.extra ? `, ${diff.extra} from --commands` : ""})`,
  ];
  for (const { direction, title, mark } of SECTIONS) {
    const entries: string[] = [];
    for (const d of diff.policy.filter((d) => d.direction === direction))
      entries.push(`  ${mark} ${d.text}`);
    for (const c of diff.commands) {
      const mine = c.differences.filter((d) => d.direction === direction);
      if (mine.length === 0) continue;
      entries.push(`  ${mark} ${showCommand(c.command)}`);
      for (const d of mine) entries.push(`      ${d.text}`);
    }
    if (entries.length === 0) continue;
    const count =
      direction === "change"
        ? entries.filter((e) => e.startsWith(`  ${mark}`)).length
        : countOf(diff, direction);
    out.push("", `${title} (${count}):`, ...entries);
  }
  out.push("");
  if (diff.weakenings > 0) {
    out.push(
      `${diff.weakenings} weakening${diff.weakenings === 1 ? "" : "s"}, ${diff.tightenings} tightening${diff.tightenings === 1 ? "" : "s"}: this change makes some commands less guarded; it deserves a second reviewer`,
    );
  } else if (diff.tightenings > 0 || diff.commands.length > 0 || diff.policy.length > 0) {
    out.push(`no weakenings; ${diff.tightenings} tightening${diff.tightenings === 1 ? "" : "s"}`);
  } else {
    out.push("no differences in what the policy does with these commands");
  }
  return `${out.join("\n")}\n`;
}

function countOf(diff: PolicyDiff, direction: Direction): number {
  const all: Difference[] = [...diff.policy, ...diff.commands.flatMap((c) => c.differences)];
  return all.filter((d) => d.direction === direction).length;
}

export function showCommand(c: DiffCommand): string {
  const vars = Object.entries(c.vars).map(([k, v]) => `${k}=${formatArgv([v])}`);
  const env = c.env !== undefined ? ` (--env ${c.env})` : "";
  return `${[...vars, formatArgv(c.argv)].join(" ")}${env}`;
}
