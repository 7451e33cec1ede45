/**
 * Named checks across policy files: collected from every file's top-level `checks:` (a name
 * defined twice is an error), and `use: NAME` in rules resolved to copies of them.
 */
import type { CheckUse } from "./compile-check.js";
import { closest } from "./suggest.js";
import type { CheckSpec, SourceRef } from "./types.js";

type Report = (at: SourceRef, message: string, hint?: string) => void;

/** `preflight check tls|http|run` are verbs, so a named check cannot be called that. */
const RESERVED = new Set(["tls", "http", "run"]);

/** Every file's named checks in one map; duplicates and reserved names are reported. */
export function collectNamedChecks(
  parts: readonly { checks: Record<string, CheckSpec> }[],
  report: Report,
): Record<string, CheckSpec> {
  const named: Record<string, CheckSpec> = {};
  for (const part of parts) {
    for (const [name, spec] of Object.entries(part.checks)) {
      if (RESERVED.has(name)) {
        report(
          spec.source,
          `a named check cannot be called '${name}': preflight check ${name} is a command`,
          "give it a name that says what it checks, e.g. vault-tls",
        );
      }
      const first = Object.hasOwn(named, name) ? named[name] : undefined;
      if (first) {
        report(
          spec.source,
          `check '${name}' is defined twice`,
          `first defined at ${first.source.file}:${first.source.line}:${first.source.column}`,
        );
      } else named[name] = spec;
    }
  }
  return named;
}

/** A rule's checks with every `use: NAME` replaced by the named check (its name and env overridden). */
export function resolveCheckUses(
  checks: readonly (CheckSpec | CheckUse)[],
  named: Record<string, CheckSpec>,
  report: Report,
): CheckSpec[] {
  return checks.flatMap((check): CheckSpec[] => {
    if (check.kind !== "use") return [check];
    const target = Object.hasOwn(named, check.use) ? named[check.use] : undefined;
    if (!target) {
      const guess = closest(check.use, Object.keys(named));
      report(
        check.source,
        `use: '${check.use}' names no check defined under the top-level checks:`,
        guess ? `did you mean '${guess}'?` : "define it under checks: at the top of a policy file",
      );
      return [];
    }
    return [
      {
        ...target,
        name: check.name ?? target.name,
        env: { ...target.env, ...check.env },
        retryForMs: check.retryForMs ?? target.retryForMs,
        // Problems with its templates are about this use, in this rule.
        source: check.source,
      },
    ];
  });
}
