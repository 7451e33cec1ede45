/**
 * Parses and validates one policy file's text. This is the only module that loads the YAML
 * parser and the schema library, so it is imported lazily, on a cache miss.
 */
import { LineCounter, parseDocument } from "yaml";
import type { PolicyProblem } from "../errors.js";
import { compilePolicyFile, type PolicyPart } from "./compile.js";
import { policyFileSchema } from "./schema.js";
import { issuesToProblems } from "./schema-problems.js";

export function parsePolicyText(
  file: string,
  text: string,
): { part: PolicyPart; problems: [] } | { part?: undefined; problems: PolicyProblem[] } {
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
  if (!result.success) return { problems: issuesToProblems(result.error.issues, file, doc, lc) };
  return { part: compilePolicyFile(result.data, file, doc, lc), problems: [] };
}
