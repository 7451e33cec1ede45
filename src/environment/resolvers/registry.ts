/**
 * The target resolvers, one per tool: `environment: { target: TOOL }` in a rule names one.
 * Adding a tool: a module beside this one that reads the tool's configuration exactly as the
 * tool does (no network, never running it), an entry here, TARGET_TOOLS in types.ts, a row in
 * docs/environments.md, and unit tests against files in the tool's own format.
 *
 * This module and the resolvers are loaded only when a rule with a `target` matches a command
 * (src/environment/resolvers/lazy.ts); a command no rule matches never reads a file.
 */
import { readBosh } from "./bosh.js";
import { readCf } from "./cf.js";
import { readFly } from "./fly.js";
import { readHelm, readKubectl } from "./kube.js";
import { readPostgres } from "./postgres.js";
import { ConfigProblem } from "./problem.js";
import { readTerraform } from "./terraform.js";
import type { ConfigFiles, ResolverInput, TargetReading, TargetTool } from "./types.js";

const RESOLVERS: Record<TargetTool, (input: ResolverInput) => TargetReading> = {
  kubectl: readKubectl,
  helm: readHelm,
  fly: readFly,
  cf: readCf,
  bosh: readBosh,
  terraform: readTerraform,
  postgres: readPostgres,
};

/** Where a command goes by its tool's configuration; a configuration it cannot read is a problem, never a throw. */
export function readTarget(tool: TargetTool, input: ResolverInput): TargetReading {
  try {
    return RESOLVERS[tool](input);
  } catch (error) {
    // Anything unexpected is reported the same way: unknown, with the reason, never a guess.
    const problem =
      error instanceof ConfigProblem
        ? error.message
        : `preflight could not read the ${tool} configuration (${(error as Error).message})`;
    const alias = error instanceof ConfigProblem ? error.alias : undefined;
    return { tool, ...(alias && { alias }), truth: {}, where: "", files: [], problem };
  }
}

/** Reads files through `read`, each at most once. */
export function cachedFiles(read: (path: string) => string | undefined): ConfigFiles {
  const cache = new Map<string, { text?: string; error?: Error }>();
  return {
    read(path) {
      let entry = cache.get(path);
      if (!entry) {
        try {
          entry = { text: read(path) };
        } catch (error) {
          entry = { error: error as Error };
        }
        cache.set(path, entry);
      }
      if (entry.error) throw entry.error;
      return entry.text;
    },
  };
}

/** Files from a map (a policy test case's `files:`): nothing else exists. */
export function filesFromMap(files: Record<string, string>): ConfigFiles {
  return { read: (path) => (Object.hasOwn(files, path) ? files[path] : undefined) };
}
