/**
 * `cf`: the targeted API endpoint, organisation and space, from `$CF_HOME/.cf/config.json`
 * (or `~/.cf/config.json`): `Target`, `OrganizationFields.Name`, `SpaceFields.Name`. Nothing
 * else in that file is read (it holds the access and refresh tokens).
 */

import { toolPath } from "./paths.js";
import { asRecord, asString, ConfigProblem, parseJsonFile, readText, shown } from "./problem.js";
import type { ResolverInput, TargetReading } from "./types.js";

export function readCf(input: ResolverInput): TargetReading {
  const cfHome = input.vars.CF_HOME
    ? toolPath(input.vars.CF_HOME, input.cwd, input.home)
    : input.home;
  const path = `${cfHome}/.cf/config.json`;
  const name = shown(path, input.home);
  const text = readText(input.files, path, input.home);
  if (text === undefined) {
    throw new ConfigProblem(`${name} does not exist: no API endpoint is targeted (cf login first)`);
  }
  const doc = asRecord(parseJsonFile(text, path, input.home), name);
  const api = asString(doc.Target, `${name}: Target`);
  if (api === undefined)
    throw new ConfigProblem(`${name}: no API endpoint is targeted (Target is empty)`);
  const org = asString(
    asRecord(doc.OrganizationFields, `${name}: OrganizationFields`).Name,
    `${name}: OrganizationFields.Name`,
  );
  const space = asString(
    asRecord(doc.SpaceFields, `${name}: SpaceFields`).Name,
    `${name}: SpaceFields.Name`,
  );
  return {
    tool: "cf",
    truth: { url: api },
    where: `${api}${org ? `, org ${org}` : ""}${space ? `, space ${space}` : ""}`,
    files: [path],
  };
}
