/**
 * Whether a team database is configured, and how: read from the environment and the policy's
 * `team:` section without loading anything heavy, so a run without one pays nothing. The URL
 * itself lives only in a variable (PREFLIGHT_DATABASE_URL unless `team.database-url-variable`
 * names another): a policy file is reviewed and committed, a password must not be in it.
 */
import { dirname, join } from "node:path";
import type { TeamSettings } from "../policy/types.js";

export const DEFAULT_URL_VARIABLE = "PREFLIGHT_DATABASE_URL";
export const DEFAULT_TEAM = "default";
export const DEFAULT_LEASE_SECONDS = 120;

export interface TeamConfig {
  team: string;
  /** The variable the URL is read from (shown to the user; the URL never is). */
  urlVariable: string;
  /** Undefined when the variable is unset or empty: configured, but unreachable by definition. */
  url: string | undefined;
  offline: "refuse" | "spool";
  leaseSeconds: number;
  /** Records waiting for the database: beside the local audit log. */
  spoolFile: string;
}

/**
 * The team configuration, or undefined when there is none: no `team:` section and no
 * PREFLIGHT_DATABASE_URL. PREFLIGHT_TEAM and PREFLIGHT_LOCK_LEASE override the policy's
 * name and lease (a CI job per team; tests that need a short lease).
 */
export function teamConfig(
  settings: TeamSettings | undefined,
  env: Record<string, string | undefined>,
  auditFile: string,
): TeamConfig | undefined {
  const urlVariable = settings?.urlVariable ?? DEFAULT_URL_VARIABLE;
  const url = env[urlVariable] || undefined;
  if (!settings && url === undefined) return undefined;
  const lease = Number(env.PREFLIGHT_LOCK_LEASE);
  return {
    team: env.PREFLIGHT_TEAM || settings?.name || DEFAULT_TEAM,
    urlVariable,
    url,
    offline: settings?.offline ?? "refuse",
    leaseSeconds:
      Number.isFinite(lease) && lease > 0
        ? lease
        : (settings?.lockLeaseSeconds ?? DEFAULT_LEASE_SECONDS),
    spoolFile: spoolFileFor(auditFile),
  };
}

/** The spool of records not yet in the shared trail: one per local audit log's folder. */
export function spoolFileFor(auditFile: string): string {
  return join(dirname(auditFile), "team-spool.jsonl");
}
