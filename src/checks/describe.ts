/** A check in one line, as a plan shows it: the command it runs, or what it connects to. */
import { fillArgv, fillShell, formatArgv, type TemplateLookup } from "../command/template.js";
import type { CheckSpec } from "../policy/types.js";
import { redactArgv, redactText } from "../report/redact.js";

/** What a check does, with its templates filled when a lookup is given (it may throw TemplateError). */
export function describeCheck(spec: CheckSpec, lookup?: TemplateLookup): string {
  const text = (template: string) => (lookup ? fillArgv([template], lookup)[0]! : template);
  switch (spec.kind) {
    case "run":
      if (typeof spec.run === "string")
        return redactText(lookup ? fillShell(spec.run, lookup) : spec.run);
      return formatArgv(redactArgv(lookup ? fillArgv(spec.run, lookup) : spec.run));
    case "tls":
      return `tls ${text(spec.connect)}${spec.certFile ? ` against ${text(spec.certFile)}` : ""}`;
    case "http":
      return `${spec.method} ${redactText(text(spec.url))}`;
  }
}
