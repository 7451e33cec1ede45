/**
 * A file with schema errors is never used, but its valid parts can still be checked, so that
 * `policy validate` reports every problem at once: a misspelt key in one rule and a decision
 * naming an undefined environment in another should not take two rounds to find.
 *
 * Salvaging replaces each broken rule or test case with a placeholder (keeping every other
 * item at its index, so positions stay right), empties a broken environment (keeping its
 * name defined) and leaves out anything else that is broken. The result is compiled only to
 * run the semantic checks; the file's schema problems still make the policy invalid.
 */
import type { z } from "zod";
import type { PolicyPart } from "./compile.js";

type Issue = z.core.$ZodIssue;

const PLACEHOLDER = "salvaged.placeholder.";

/** The data with its broken pieces neutralised, or undefined when nothing sensible is left. */
export function salvagePolicyData(
  data: unknown,
  issues: readonly Issue[],
): Record<string, unknown> | undefined {
  if (!isPlainObject(data)) return undefined;
  const out: Record<string, unknown> = { ...data };
  for (const issue of issues) {
    const [top, second] = issue.path as (string | number)[];
    if (top === undefined) {
      if (issue.code !== "unrecognized_keys") return undefined;
      for (const key of issue.keys) delete out[key];
      continue;
    }
    const section = out[top];
    if (top === "version") out.version = 1;
    else if ((top === "rules" || top === "tests") && typeof second === "number") {
      if (!Array.isArray(section)) continue;
      const copy = [...section];
      copy[second] = top === "rules" ? placeholderRule(second) : placeholderTest(second);
      out[top] = copy;
    } else if (top === "environments" && typeof second === "string" && isPlainObject(section)) {
      // A broken environment still exists: rules naming it are not wrong for doing so.
      out.environments = { ...section, [second]: {} };
    } else {
      delete out[top as string];
    }
  }
  return out;
}

/** The compiled part without the placeholders, its positions still those of the file. */
export function withoutPlaceholders(part: PolicyPart): PolicyPart {
  const kept = part.rules.flatMap((rule, i) => (rule.id.startsWith(PLACEHOLDER) ? [] : [i]));
  const locate = part.locate;
  return {
    ...part,
    rules: kept.map((i) => part.rules[i]!),
    tests: part.tests.filter((t) => !t.name.startsWith(PLACEHOLDER)),
    // merge.ts locates a rule's keys by its index among the part's rules.
    locate: (path, key) =>
      path[0] === "rules" && typeof path[1] === "number"
        ? locate(["rules", kept[path[1]] ?? path[1], ...path.slice(2)], key)
        : locate(path, key),
  };
}

function placeholderRule(i: number) {
  return { id: `${PLACEHOLDER}${i}`, match: { command: `${PLACEHOLDER}${i}` } };
}

function placeholderTest(i: number) {
  return { name: `${PLACEHOLDER}${i}`, command: ["true"], expect: {} };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
