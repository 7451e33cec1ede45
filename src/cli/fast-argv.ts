/**
 * Reads `[run|plan] [options] -- COMMAND...` without loading commander (~15 ms), because
 * this is the path every guarded command takes. Anything it does not fully understand —
 * help, an unknown option, a missing `--`, another verb — returns undefined, and commander
 * handles it with its full help and errors.
 */
import { RUN_OPTIONS, type RunCommandOptions } from "./run-options.js";

/** The run/plan options and command, or undefined when commander should read the line. */
export function readRunArgv(args: readonly string[]): RunCommandOptions | undefined {
  let i = 0;
  let verb: "run" | "plan" = "run";
  if (args[0] === "run" || args[0] === "plan") {
    verb = args[0];
    i = 1;
  }
  const options: RunCommandOptions = { verb, command: [], policy: [], json: false, color: true };
  for (; i < args.length; i++) {
    const token = args[i]!;
    if (token === "--") {
      options.command = args.slice(i + 1);
      return options.command.length > 0 ? options : undefined;
    }
    const eq = token.indexOf("=");
    const flag = eq === -1 ? token : token.slice(0, eq);
    const spec = RUN_OPTIONS.find((o) => o.flag === flag);
    if (!spec || (spec.planOnly && verb !== "plan")) return undefined;
    if (!spec.value) {
      if (eq !== -1) return undefined;
      if (spec.key === "json") options.json = true;
      if (spec.key === "noColor") options.color = false;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = token.slice(eq + 1);
    else value = args[++i];
    if (value === undefined || value === "--") return undefined;
    if (spec.key === "policy") options.policy.push(value);
    else if (spec.key !== "json" && spec.key !== "noColor") options[spec.key] = value;
  }
  return undefined;
}
