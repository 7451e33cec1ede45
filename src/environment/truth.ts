/**
 * Which environment a target reading means: the environments whose truth globs
 * (`match.url`, `server`, `host`, `workspace`, `backend`) match what the resolver read. Any one
 * key matching is enough; two environments claiming one reading resolve to the protected one.
 */
import { globMatchIgnoringCase } from "../policy/glob.js";
import type { Environment, Policy } from "../policy/types.js";
import { type TargetReading, TRUTH_KEYS, type TruthKey } from "./resolvers/types.js";

export interface TruthMatch {
  env: Environment;
  key: TruthKey;
  value: string;
}

export function environmentForTruth(
  policy: Policy,
  reading: TargetReading,
): TruthMatch | undefined {
  const matches: TruthMatch[] = [];
  for (const env of Object.values(policy.environments)) {
    for (const key of TRUTH_KEYS) {
      const value = reading.truth[key];
      const patterns = env.truth?.[key];
      if (value === undefined || !patterns) continue;
      if (patterns.some((p) => globMatchIgnoringCase(p, value))) {
        matches.push({ env, key, value });
        break;
      }
    }
  }
  // Guessing low is the danger: the protected one wins a tie.
  return matches.find((m) => m.env.protected) ?? matches[0];
}

/** The value a reading is best named by when no environment claims its truth. */
export function primaryTruth(reading: TargetReading): { key: TruthKey; value: string } | undefined {
  for (const key of TRUTH_KEYS) {
    const value = reading.truth[key];
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

/** How the report, the banner and the audit log show a reading (never a credential: none is read). */
export interface TruthView {
  tool: string;
  /** "https://ci.prod.example.com, team main (target dev)". */
  where: string;
  /** What the environment was matched on: { url: "https://…" }; for AWS, account and region. */
  values: Partial<Record<TruthKey | "account" | "region", string>>;
  files: string[];
  /** Why the configuration could not be read; the environment is then unknown. */
  problem?: string;
}

export function truthView(reading: TargetReading): TruthView {
  return {
    tool: reading.tool,
    where: reading.where,
    values: reading.truth,
    files: reading.files,
    ...(reading.problem !== undefined && { problem: reading.problem }),
  };
}
