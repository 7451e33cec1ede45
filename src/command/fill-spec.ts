/** Fills a run spec's templates: argv elements as plain text, shell strings shell-quoted. */

import type { RunSpec } from "../policy/types.js";
import { fillArgv, fillShell, type TemplateLookup } from "./template.js";

export function fillRunSpec(spec: RunSpec, lookup: TemplateLookup): RunSpec {
  return typeof spec === "string" ? fillShell(spec, lookup) : fillArgv(spec, lookup);
}
