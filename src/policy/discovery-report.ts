/**
 * Every place preflight looks for a policy, in discovery order, with what it found there and
 * why it does or does not apply: the data behind `preflight policy which`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  BUNDLED_POLICY,
  type DiscoverOptions,
  discoverPolicy,
  envPolicyPaths,
  type PolicyOrigin,
  type PolicySource,
  policyFilesIn,
  repositoryPolicy,
  SYSTEM_POLICY_DIR,
  userPolicyDir,
} from "./discover.js";

export type PlaceStatus =
  | "applies"
  | "not given"
  | "not set"
  | "not found"
  | "no policy files"
  | "not used: an earlier place applies";

export interface Place {
  origin: PolicyOrigin;
  /** Where preflight looks: the paths given, the folder searched, the file. */
  where: string[];
  status: PlaceStatus;
  /** The policy files found there (whether or not they apply). */
  files: string[];
}

export interface DiscoveryReport {
  applies: PolicySource;
  places: Place[];
}

/** Throws PolicyError as discovery does (a --policy path that does not exist). */
export function reportDiscovery(options: DiscoverOptions): DiscoveryReport {
  const applies = discoverPolicy(options);
  const status = (origin: PolicyOrigin, found: boolean, absent: PlaceStatus): PlaceStatus =>
    applies.origin === origin ? "applies" : found ? "not used: an earlier place applies" : absent;
  const folder = (origin: PolicyOrigin, dir: string | undefined): Place => {
    const files = dir ? policyFilesIn(dir) : [];
    const absent = dir && existsSync(dir) ? "no policy files" : "not found";
    return {
      origin,
      where: dir ? [`${dir}/`] : [],
      status: status(origin, files.length > 0, absent),
      files,
    };
  };
  const given = options.explicit.map((p) => resolve(options.cwd, p));
  const fromEnv = envPolicyPaths(options.env).map((p) => resolve(options.cwd, p));
  const repository = repositoryPolicy(options.cwd);
  return {
    applies,
    places: [
      {
        origin: "--policy",
        where: given,
        status: status("--policy", given.length > 0, "not given"),
        files: applies.origin === "--policy" ? applies.files : [],
      },
      {
        origin: "PREFLIGHT_POLICY",
        where: fromEnv,
        status: status("PREFLIGHT_POLICY", fromEnv.length > 0, "not set"),
        files: applies.origin === "PREFLIGHT_POLICY" ? applies.files : [],
      },
      {
        origin: "working folder",
        where: repository.length > 0 ? repository : [resolve(options.cwd)],
        status: status("working folder", repository.length > 0, "not found"),
        files: applies.origin === "working folder" ? applies.files : repository,
      },
      folder("user configuration", userPolicyDir(options)),
      folder("system configuration", options.systemDir ?? SYSTEM_POLICY_DIR),
      {
        origin: "bundled",
        where: [BUNDLED_POLICY],
        status: status("bundled", true, "not found"),
        files: [BUNDLED_POLICY],
      },
    ],
  };
}
