/** Fills a run spec's templates: argv elements as plain text, shell strings shell-quoted. */
import { fillArgv, fillShell, type TemplateLookup } from "../command/template.js";
import type { RunSpec } from "../policy/types.js";

export function fillRunSpec(spec: RunSpec, lookup: TemplateLookup): RunSpec {
  return typeof spec === "string" ? fillShell(spec, lookup) : fillArgv(spec, lookup);
}
