/**
 * `bosh`: the director named by `-e`/`--environment`, else `$BOSH_ENVIRONMENT`, as an alias
 * in the CLI's config (`--config`, else `$BOSH_CONFIG`, else `~/.bosh/config`:
 * `environments: [{ alias, url }]`) or, when no alias has that name, as the director's URL or
 * host, as the bosh CLI reads it (`10.0.0.6` means https://10.0.0.6:25555).
 */
import { flagValues } from "../../command/flags.js";
import { lastOf, toolPath } from "./paths.js";
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

export function readBosh(input: ResolverInput): TargetReading {
  const flag = lastOf(flagValues(input.argv, ["-e", "--environment"]));
  const value = flag || input.vars.BOSH_ENVIRONMENT || undefined;
  if (value === undefined) {
    throw new ConfigProblem(
      "the command names no director: neither -e nor BOSH_ENVIRONMENT is set",
    );
  }
  const source = flag ? "argument -e" : "variable BOSH_ENVIRONMENT";
  return keepingAlias({ value, source: `bosh environment from ${source}` }, () =>
    readDirector(input, value, source),
  );
}

function readDirector(input: ResolverInput, value: string, source: string): TargetReading {
  const configFlag = lastOf(flagValues(input.argv, ["--config"]));
  const path = toolPath(
    configFlag || input.vars.BOSH_CONFIG || "~/.bosh/config",
    input.cwd,
    input.home,
  );
  const name = shown(path, input.home);
  const text = readText(input.files, path, input.home);
  const files = text === undefined ? [] : [path];
  let url: string | undefined;
  if (text !== undefined) {
    const doc = asRecord(parseYamlFile(text, path, input.home), name);
    const list = doc.environments ?? [];
    if (!Array.isArray(list)) throw new ConfigProblem(`${name}: environments is not a list`);
    // Messages are made only for an entry that is wrong: the loop builds no text.
    let i = 0;
    const entryName = () => `${name}: environments[${i}]`;
    const aliasName = () => `${entryName()}.alias`;
    const urlName = () => `${entryName()}.url`;
    for (; i < list.length; i++) {
      const env = asRecord(list[i], entryName);
      const alias = asString(env.alias, aliasName);
      const envUrl = asString(env.url, urlName);
      if (alias === value || envUrl === value) {
        if (envUrl === undefined)
          throw new ConfigProblem(`${name}: environment '${value}' has no url`);
        url = envUrl;
        break;
      }
    }
  } else if (configFlag) {
    throw new ConfigProblem(`${name}: no such file (--config)`);
  }
  const aliased = url !== undefined && url !== value;
  url ??= directorUrl(value);
  return {
    tool: "bosh",
    ...(aliased && { alias: { value, source: `bosh alias from ${source}` } }),
    truth: { url },
    where: aliased ? `${url} (alias ${value} in ${name})` : `${url} (${source})`,
    files,
  };
}

/** A director named by host or URL: https and port 25555 unless given. */
function directorUrl(value: string): string {
  const withScheme = value.includes("://") ? value : `https://${value}`;
  return /^[a-z]+:\/\/(\[[^\]]*\]|[^/:]*):\d+/i.test(withScheme)
    ? withScheme
    : withScheme.replace(/^([a-z]+:\/\/(?:\[[^\]]*\]|[^/:]*))/i, "$1:25555");
}
