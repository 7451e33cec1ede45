/**
 * `--param NAME=VALUE` for a procedure: only declared names, every required one given, each
 * value matching its pattern. A secret param is read from the environment
 * (`NAME=@env:VARIABLE`), never from the command line, where shell history and `ps` keep it.
 */
import { closest } from "../policy/suggest.js";
import type { Procedure } from "../policy/types.js";

export interface ParamValues {
  values: Record<string, string>;
  /** Names of the secret params: shown as *** everywhere. */
  secrets: string[];
}

export type ParamResolution =
  | { ok: true; params: ParamValues }
  | { ok: false; problems: string[]; hint: string };

const FROM_ENV = "@env:";

/** Reads and validates the operator's `--param` words against the procedure's declared params. */
export function resolveParams(
  procedure: Procedure,
  given: readonly string[],
  env: Record<string, string | undefined>,
): ParamResolution {
  const problems: string[] = [];
  const declared = new Map(procedure.params.map((p) => [p.name, p]));
  const values: Record<string, string> = {};

  for (const word of given) {
    const eq = word.indexOf("=");
    if (eq <= 0) {
      problems.push(`--param ${word.includes("=") ? word : `'${word}'`} is not NAME=VALUE`);
      continue;
    }
    const name = word.slice(0, eq);
    const raw = word.slice(eq + 1);
    const param = declared.get(name);
    if (!param) {
      const guess = closest(name, [...declared.keys()]);
      problems.push(
        `procedure '${procedure.name}' has no param '${name}'${guess ? ` (did you mean '${guess}'?)` : ""}`,
      );
      continue;
    }
    if (Object.hasOwn(values, name)) {
      problems.push(`--param ${name} is given twice`);
      continue;
    }
    if (raw.startsWith(FROM_ENV)) {
      const variable = raw.slice(FROM_ENV.length);
      const value = env[variable];
      if (value === undefined || value === "") {
        problems.push(`--param ${name}=${raw}: the variable ${variable} is not set`);
        continue;
      }
      values[name] = value;
    } else if (param.secret) {
      problems.push(
        `param '${name}' is secret, so it is not taken from the command line (shell history and ps would keep it)`,
      );
    } else {
      values[name] = raw;
    }
  }

  for (const param of procedure.params) {
    if (!Object.hasOwn(values, param.name) && param.default !== undefined)
      values[param.name] = param.default;
  }
  const missing = procedure.params.filter((p) => !Object.hasOwn(values, p.name));
  for (const param of missing) {
    problems.push(
      `param '${param.name}' is required${param.description ? ` (${param.description})` : ""}`,
    );
  }
  for (const param of procedure.params) {
    const value = values[param.name];
    if (value === undefined || param.pattern === undefined) continue;
    if (!new RegExp(`^(?:${param.pattern})$`, "u").test(value)) {
      const shown = param.secret ? "the value given" : `'${value}'`;
      problems.push(`param '${param.name}': ${shown} does not match /${param.pattern}/`);
    }
  }

  if (problems.length > 0) {
    const usage = procedure.params
      .map((p) => `--param ${p.name}=${p.secret ? `${FROM_ENV}VARIABLE` : "VALUE"}`)
      .join(" ");
    return {
      ok: false,
      problems,
      hint: usage
        ? `give them as ${usage}; preflight procedure show ${procedure.name} describes each`
        : `procedure '${procedure.name}' takes no params`,
    };
  }
  return {
    ok: true,
    params: { values, secrets: procedure.params.filter((p) => p.secret).map((p) => p.name) },
  };
}

/** The params as they may be shown, recorded or reported: secrets as ***. */
export function displayParams(params: ParamValues): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params.values).map(([k, v]) => [k, params.secrets.includes(k) ? "***" : v]),
  );
}
