/**
 * The run's lock port over the team database: takes locks (waiting with --wait), renews
 * their lease while the command runs, and gives them back. Light: the PostgreSQL parts are
 * loaded from dist/team.cjs on the first acquire.
 */
import type { LockAcquisition, LockPort } from "../run/ports.js";
import { loadTeamModules } from "./lazy.js";
import type { LockHolder } from "./locks.js";
import type { TeamConfig } from "./settings.js";

const POLL_MS = 1_000;

/** `2026-12-06 21:30:02 UTC`: the database's clock, as every machine will see it. */
export function formatDbTime(time: Date): string {
  return `${time.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "held by alice@host since … for `procedure run pg-switchover`" */
export function describeHolder(holder: LockHolder): string {
  return `the lock ${holder.key} is held by ${holder.owner} since ${formatDbTime(holder.since)} for \`${holder.command}\`${holder.parked ? " (a procedure stopped halfway, kept for its resume)" : ""}`;
}

export interface TeamLockPort extends LockPort {
  /** Gives back whatever is still held (a procedure's lock; `park` keeps it for its resume). */
  releaseAll(options?: { park?: boolean }): Promise<void>;
}

/** The lock port of one run: `owner` is who runs (src/team/identity.ts). */
export function createTeamLocks(
  config: TeamConfig,
  owner: string,
  notice: (text: string) => void,
): TeamLockPort {
  const held = new Set<(options?: { park?: boolean }) => Promise<void>>();
  return {
    async releaseAll(options) {
      for (const release of held) await release(options);
      held.clear();
    },
    async acquire(keys, command, options = {}): Promise<LockAcquisition> {
      const unusable = (why: string): LockAcquisition => ({
        ok: false,
        outcome: "internal-error",
        message: `the team lock ${keys.join(", ")} could not be taken (${why}); nothing was run`,
        hint: "a rule with lock: runs only when the team database answers; fix the connection and run it again",
      });
      if (config.url === undefined) return unusable(`${config.urlVariable} is not set`);
      const team = await loadTeamModules();
      const deadline = Date.now() + (options.waitMs ?? 0);
      let told = false;
      for (;;) {
        let attempt: Awaited<ReturnType<typeof team.tryAcquire>>;
        try {
          attempt = await team.tryAcquire(config, keys, owner, command);
        } catch (error) {
          return unusable(team.describeDbError(error, config.url));
        }
        if (attempt.ok) {
          for (const old of attempt.tookOver) {
            notice(
              `preflight: took over ${old.key}: its lease ran out at ${formatDbTime(old.expires)} (held by ${old.owner} for \`${old.command}\`)\n`,
            );
          }
          const leased = team.holdLease(config, attempt, notice);
          const release = async (releaseOptions?: { park?: boolean }) => {
            if (!held.delete(release)) return;
            await leased(releaseOptions);
          };
          held.add(release);
          return { ok: true, release };
        }
        if (Date.now() >= deadline) {
          return {
            ok: false,
            outcome: "blocked",
            message: `${describeHolder(attempt.holder)}; nothing was run`,
            hint: `wait for it (run with --wait 5m); if its holder is gone, the lease runs out at ${formatDbTime(attempt.holder.expires)}, or \`preflight team unlock ${attempt.holder.key} --reason TEXT\` removes it`,
          };
        }
        if (!told) notice(`preflight: waiting: ${describeHolder(attempt.holder)}\n`);
        told = true;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())),
        );
      }
    },
  };
}
