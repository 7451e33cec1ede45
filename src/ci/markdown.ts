/**
 * Markdown for where reviews happen: a pull-request comment or a CI step summary. Compact
 * tables, weakenings first, each place a link relative to the repository.
 */
import type { SourceRef } from "../policy/types.js";
import { repositoryPath } from "./github.js";

/** A table cell: no pipes or line breaks to break the row. */
export function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** `[ops.yaml:52](ops.yaml#L52)`, the path as the repository knows it. */
export function link(at: SourceRef | undefined): string {
  if (!at) return "";
  const path = repositoryPath(at.file);
  return `[${cell(`${path}:${at.line}`)}](${encodeURI(path)}#L${at.line})`;
}

export function table(header: readonly string[], rows: readonly string[][]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
