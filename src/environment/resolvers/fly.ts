/**
 * `fly`: the `-t`/`--target` alias, looked up in `~/.flyrc` (YAML `targets: NAME: { api, team }`)
 * as fly does. fly has no default target, so a command without `-t` goes nowhere.
 */
import { flagValues } from "../../command/flags.js";
import { lastOf } from "./paths.js";
import {
  asRecord,
  asString,
  ConfigProblem,
  keepingAlias,
  parseYamlFile,
  readText,
  shown,
} from "./problem.js";
import type { ResolverInput, TargetReading } from "./types.js";

export function readFly(input: ResolverInput): TargetReading {
  const target = lastOf(flagValues(input.argv, ["-t", "--target"]));
  if (target === undefined || target === "") {
    throw new ConfigProblem("the command names no fly target (-t), and fly has no default one");
  }
  const alias = { value: target, source: "fly target from argument -t" };
  return keepingAlias(alias, () => readFlyrc(input, target, alias));
}

function readFlyrc(
  input: ResolverInput,
  target: string,
  alias: { value: string; source: string },
): TargetReading {
  const path = `${input.home}/.flyrc`;
  const name = shown(path, input.home);
  const text = readText(input.files, path, input.home);
  if (text === undefined)
    throw new ConfigProblem(`${name} does not exist, so target '${target}' is unknown`);
  const doc = asRecord(parseYamlFile(text, path, input.home), name);
  const targets = asRecord(doc.targets, `${name}: targets`);
  if (!Object.hasOwn(targets, target)) {
    throw new ConfigProblem(`target '${target}' is not in ${name}`);
  }
  const props = asRecord(targets[target], `${name}: targets.${target}`);
  const api = asString(props.api, `${name}: targets.${target}.api`);
  if (api === undefined) throw new ConfigProblem(`${name}: target '${target}' has no api URL`);
  const team = asString(props.team, `${name}: targets.${target}.team`) ?? "main";
  return {
    tool: "fly",
    alias,
    truth: { url: api },
    where: `${api}, team ${team} (target ${target})`,
    files: [path],
  };
}
