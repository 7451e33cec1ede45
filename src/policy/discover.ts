/**
 * Which policy files apply, in DESIGN.md's order: `--policy`, then `$PREFLIGHT_POLICY`, then
 * `preflight.yaml` or `.preflight/` in the working folder or its nearest parent that has one,
 * then the policy bundled with the package.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PolicyError } from "../errors.js";
import { packageRoot } from "../util/package-root.js";

export const BUNDLED_POLICY = join(packageRoot(), "policies", "default.yaml");

export interface PolicySource {
  files: string[];
  /** How the files were found, for messages. */
  origin: "--policy" | "PREFLIGHT_POLICY" | "working folder" | "bundled";
}

/** The policy files that apply, in DESIGN.md's order; throws PolicyError for a missing path. */
export function discoverPolicy(options: {
  explicit: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
}): PolicySource {
  if (options.explicit.length > 0) {
    return {
      files: expand(options.explicit.map((p) => resolve(options.cwd, p))),
      origin: "--policy",
    };
  }
  const fromEnv = options.env.PREFLIGHT_POLICY?.split(":").filter(Boolean) ?? [];
  if (fromEnv.length > 0) {
    return {
      files: expand(fromEnv.map((p) => resolve(options.cwd, p))),
      origin: "PREFLIGHT_POLICY",
    };
  }
  for (let dir = resolve(options.cwd); ; dir = dirname(dir)) {
    const file = join(dir, "preflight.yaml");
    const folder = join(dir, ".preflight");
    const found = [file, folder].filter((p) => existsSync(p));
    if (found.length > 0) return { files: expand(found), origin: "working folder" };
    if (dirname(dir) === dir) break;
  }
  return { files: [BUNDLED_POLICY], origin: "bundled" };
}

/** Folders become their `*.yaml`/`*.yml` files (not `*.test.yaml`, which hold test cases), sorted. */
function expand(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new PolicyError([
        {
          file: path,
          line: 1,
          column: 1,
          message: "no policy file or folder here",
          hint: "check --policy / PREFLIGHT_POLICY; preflight refuses rather than run unguarded",
        },
      ]);
    }
    if (!isFolder) {
      files.push(path);
      continue;
    }
    const inFolder = readdirSync(path)
      .filter((name) => /\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(path, name));
    if (inFolder.length === 0) {
      throw new PolicyError([
        {
          file: path,
          line: 1,
          column: 1,
          message: "this policy folder has no *.yaml or *.yml files",
        },
      ]);
    }
    files.push(...inFolder);
  }
  return files;
}
