/** `policy diff` in Markdown and as GitHub annotations. */

import { type Annotation, workflowCommands } from "../../ci/github.js";
import { cell, code, link, table } from "../../ci/markdown.js";
import { needsSecondReview, type PolicyDiff } from "../diff/diff.js";
import { CLASS_LABEL, showCommand, verdict } from "../diff/render.js";

export function renderDiffMarkdown(diff: PolicyDiff): string {
  const out = [
    `### policy diff ${code(diff.old)} → ${code(diff.new)}`,
    "",
    `${needsSecondReview(diff) ? "**✘ second review needed.**" : "✔"} ${verdict(diff)}`,
    "",
  ];
  if (diff.structure.length > 0) {
    out.push(
      ...table(
        ["", "change", "what", "old", "new"],
        diff.structure.map((c) => [
          `${CLASS_LABEL[c.class].mark} ${CLASS_LABEL[c.class].label}`,
          cell(c.subject),
          cell(c.text),
          link(c.old),
          link(c.new),
        ]),
      ),
      "",
    );
  }
  const sampled = `${diff.compared} sampled commands, ${diff.commands.length} with a different outcome`;
  if (diff.commands.length === 0) out.push(sampled, "");
  else {
    out.push(`<details><summary>${sampled}</summary>`, "");
    out.push(
      ...table(
        ["", "command", "what"],
        diff.commands.flatMap((c) =>
          c.differences.map((d) => [
            d.direction === "weakening" ? "✘" : d.direction === "tightening" ? "✔" : "•",
            cell(code(showCommand(c.command))),
            cell(d.text),
          ]),
        ),
      ),
      "",
      "</details>",
      "",
    );
  }
  return `${out.join("\n")}`;
}

/** An error on the new side's line (the old one's when the thing was removed) per weakening. */
export function diffAnnotations(diff: PolicyDiff): string {
  const annotations: Annotation[] = diff.structure
    .filter((c) => c.class === "weakening" || c.class === "needs-human")
    .map((c) => {
      const at = c.new ?? c.old;
      return {
        level: "error",
        ...(at && { at }),
        title: `policy ${c.class === "weakening" ? "weakening" : "change needing a human"}: ${c.subject}`,
        message: `${c.subject}: ${c.text}${c.old ? ` (was at ${c.old.file}:${c.old.line})` : ""}`,
      };
    });
  return workflowCommands(annotations);
}
