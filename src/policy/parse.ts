/**
 * Parses and validates one policy file's text. This is the only module that loads the YAML
 * parser and the schema library, so it is imported lazily, on a cache miss.
 */
import { type Document, LineCounter, parseDocument } from "yaml";
import type { PolicyProblem } from "../errors.js";
import { compilePolicyFile, type PolicyPart } from "./compile.js";
import { salvagePolicyData, withoutPlaceholders } from "./salvage.js";
import { type PolicyFile, policyFileSchema } from "./schema.js";
import { issuesToProblems } from "./schema-problems.js";

export interface ParsedPolicyText {
  /**
   * The compiled file. With problems, only what could be salvaged (see salvage.ts): enough
   * for the semantic checks, never for a run.
   */
  part?: PolicyPart;
  problems: PolicyProblem[];
  /** The YAML document and the validated data, for the review tools (lint, explain). */
  doc?: Document;
  lineCounter?: LineCounter;
  data?: PolicyFile;
}

export function parsePolicyText(file: string, text: string): ParsedPolicyText {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const { line, col } = lc.linePos(e.pos[0]);
        return {
          file,
          line,
          column: col,
          message: `YAML: ${e.message.split("\n")[0]}`,
          hint:
            e.code === "DUPLICATE_KEY"
              ? "each key may appear once in a map"
              : "check indentation and quoting",
        };
      }),
    };
  }
  let data: unknown;
  try {
    // Anchors are legitimate in policies (one extractor reused by many rules); the yaml
    // library's default cap of 100 aliases is a guard against "billion laughs" documents.
    data = doc.toJS({ maxAliasCount: 10_000 });
  } catch (error) {
    return {
      problems: [
        {
          file,
          line: 1,
          column: 1,
          message: `YAML: ${(error as Error).message}`,
          hint: "reduce the number of aliases (*name) in the file",
        },
      ],
    };
  }
  if (data === null || data === undefined) {
    return {
      problems: [
        {
          file,
          line: 1,
          column: 1,
          message: "the policy file is empty",
          hint: "start it with `version: 1`",
        },
      ],
    };
  }
  const result = policyFileSchema.safeParse(data);
  if (!result.success) {
    const problems = issuesToProblems(result.error.issues, file, doc, lc);
    const salvaged = policyFileSchema.safeParse(salvagePolicyData(data, result.error.issues));
    if (!salvaged.success) return { problems, doc, lineCounter: lc };
    const part = withoutPlaceholders(compilePolicyFile(salvaged.data, file, doc, lc));
    return { part, problems, doc, lineCounter: lc };
  }
  const part = compilePolicyFile(result.data, file, doc, lc);
  return { part, problems: [], doc, lineCounter: lc, data: result.data };
}
