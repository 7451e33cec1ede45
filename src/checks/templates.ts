/**
 * The template fields of a check (`{target}`, `{resource}`, `{args.NAME}`…) and filling them
 * from a command. Check kinds receive a filled spec and never see a placeholder.
 */

import { fillRunSpec } from "../command/fill-spec.js";
import { fillArgv, TemplateError, type TemplateLookup } from "../command/template.js";
import type { CheckSpec, RunSpec } from "../policy/types.js";

/** Every template a check holds, for the policy's "nothing provides {x}" check. */
export function checkTemplates(spec: CheckSpec): (RunSpec | string[])[] {
  const own: (RunSpec | string[])[] = [Object.values(spec.env)];
  switch (spec.kind) {
    case "run":
      return [...own, spec.run];
    case "tls":
      return [...own, [spec.connect, spec.servername, spec.certFile, spec.caFile].filter(isSet)];
    case "http":
      return [...own, [spec.url, spec.caFile].filter(isSet)];
  }
}

/**
 * The check with its templates filled. A variable in `env` whose template has no value is
 * left out, so the check sees what the command itself would (`-h` given: PGHOST is set from
 * it; not given: PGHOST stays as the command has it). Any other missing value throws
 * TemplateError: the check cannot know where to look.
 */
export function fillCheck<S extends CheckSpec>(spec: S, lookup: TemplateLookup): S {
  const env: Record<string, string> = {};
  for (const [name, template] of Object.entries(spec.env)) {
    try {
      env[name] = fill(template, lookup);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
    }
  }
  const filled = { ...spec, env };
  switch (filled.kind) {
    case "run":
      return { ...filled, run: fillRunSpec(filled.run, lookup) };
    case "tls":
      return {
        ...filled,
        connect: fill(filled.connect, lookup),
        ...(filled.servername !== undefined && { servername: fill(filled.servername, lookup) }),
        ...(filled.certFile !== undefined && { certFile: fill(filled.certFile, lookup) }),
        ...(filled.caFile !== undefined && { caFile: fill(filled.caFile, lookup) }),
      };
    case "http":
      return {
        ...filled,
        url: fill(filled.url, lookup),
        ...(filled.caFile !== undefined && { caFile: fill(filled.caFile, lookup) }),
      };
  }
  return filled;
}

function fill(template: string, lookup: TemplateLookup): string {
  return fillArgv([template], lookup)[0]!;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined;
}
