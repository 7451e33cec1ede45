/**
 * Which policy files apply, in this order; the first place that has a policy wins:
 *
 * 1. every `--policy PATH`;
 * 2. `$PREFLIGHT_POLICY` (paths joined by `:`);
 * 3. the repository's: `preflight.yaml` or `.preflight/` in the working folder or its nearest
 *    parent that has one;
 * 4. the user's: the policy files in `$XDG_CONFIG_HOME/preflight/` (`~/.config/preflight/`);
 * 5. the system's: the policy files in `/etc/preflight/`;
 * 6. the policy bundled with the package.
 *
 * So a repository's policy always wins over the user's and the system's. `policy which`
 * shows every place, and why it does or does not apply (src/policy/discovery-report.ts).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { PolicyError } from "../errors.js";
import { packageRoot } from "../util/package-root.js";

export const BUNDLED_POLICY = join(packageRoot(), "policies", "default.yaml");
export const SYSTEM_POLICY_DIR = "/etc/preflight";

export type PolicyOrigin =
  | "--policy"
  | "PREFLIGHT_POLICY"
  | "working folder"
  | "user configuration"
  | "system configuration"
  | "bundled";

export interface PolicySource {
  files: string[];
  /** How the files were found, for messages. */
  origin: PolicyOrigin;
}

export interface DiscoverOptions {
  explicit: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /** The user's home, for `~/.config/preflight/`; without it that place is not looked at. */
  home?: string;
  /** Where the system's policy lives; `/etc/preflight` unless a test says otherwise. */
  systemDir?: string;
}

/** The policy files that apply, in the order above; throws PolicyError for a missing path. */
export function discoverPolicy(options: DiscoverOptions): PolicySource {
  if (options.explicit.length > 0) {
    return {
      files: expand(options.explicit.map((p) => resolve(options.cwd, p))),
      origin: "--policy",
    };
  }
  const fromEnv = envPolicyPaths(options.env);
  if (fromEnv.length > 0) {
    return {
      files: expand(fromEnv.map((p) => resolve(options.cwd, p))),
      origin: "PREFLIGHT_POLICY",
    };
  }
  const repository = repositoryPolicy(options.cwd);
  if (repository.length > 0) return { files: expand(repository), origin: "working folder" };
  const userDir = userPolicyDir(options);
  const user = userDir ? policyFilesIn(userDir) : [];
  if (user.length > 0) return { files: user, origin: "user configuration" };
  const system = policyFilesIn(options.systemDir ?? SYSTEM_POLICY_DIR);
  if (system.length > 0) return { files: system, origin: "system configuration" };
  return { files: [BUNDLED_POLICY], origin: "bundled" };
}

export function envPolicyPaths(env: Record<string, string | undefined>): string[] {
  return env.PREFLIGHT_POLICY?.split(":").filter(Boolean) ?? [];
}

/** `preflight.yaml` and/or `.preflight/` in the nearest folder, from `cwd` up, that has one. */
export function repositoryPolicy(cwd: string): string[] {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = [join(dir, "preflight.yaml"), join(dir, ".preflight")].filter((p) =>
      existsSync(p),
    );
    if (found.length > 0) return found;
    if (dirname(dir) === dir) return [];
  }
}

/** `$XDG_CONFIG_HOME/preflight` (an absolute XDG_CONFIG_HOME only, as the spec says), else `~/.config/preflight`. */
export function userPolicyDir(options: Pick<DiscoverOptions, "env" | "home">): string | undefined {
  const xdg = options.env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "preflight");
  return options.home ? join(options.home, ".config", "preflight") : undefined;
}

/** A configuration folder's policy files; none when it is missing or holds none. */
export function policyFilesIn(dir: string): string[] {
  // existsSync first: on the no-rule path both folders are usually missing, and a failed
  // readdirSync builds an exception (about 4x the cost, measured).
  if (!existsSync(dir)) return [];
  try {
    return yamlFilesIn(dir);
  } catch {
    return [];
  }
}

function yamlFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
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
    const inFolder = yamlFilesIn(path);
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
