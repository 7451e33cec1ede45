/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), which GitHub shows as
 * annotations on the pull request's lines, and the step summary (Markdown appended to the
 * file $GITHUB_STEP_SUMMARY names). Used when GITHUB_ACTIONS=true.
 */
import { appendFileSync } from "node:fs";
import type { SourceRef } from "../policy/types.js";

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  at?: SourceRef;
  title?: string;
  message: string;
}

/** One workflow command per annotation, escaped as the runner requires. */
export function workflowCommands(annotations: readonly Annotation[]): string {
  return annotations
    .map((a) => {
      const props = [
        ...(a.at
          ? [
              `file=${escapeProperty(repositoryPath(a.at.file))}`,
              `line=${a.at.line}`,
              `col=${a.at.column}`,
            ]
          : []),
        ...(a.title ? [`title=${escapeProperty(a.title)}`] : []),
      ];
      return `::${a.level}${props.length ? ` ${props.join(",")}` : ""}::${escapeData(a.message)}\n`;
    })
    .join("");
}

/** Appends Markdown to the job's summary; a missing variable means there is no summary to write. */
export function appendStepSummary(env: Record<string, string | undefined>, markdown: string): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  appendFileSync(file, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
}

/** `git:HEAD:ops.yaml` names the file ops.yaml in the repository: annotate that. */
export function repositoryPath(file: string): string {
  const git = /^git:[^:]*:(.*)$/.exec(file);
  return (git ? git[1]! : file).replace(/^\.\//, "");
}

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
