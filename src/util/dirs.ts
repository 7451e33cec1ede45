/** Where preflight keeps its caches and its state (XDG Base Directory layout). */
import { isAbsolute, join } from "node:path";

/** The cache folder (compiled policies); undefined when caching is disabled. */
export function cacheDirectory(
  env: Record<string, string | undefined>,
  home: string,
): string | undefined {
  if (env.PREFLIGHT_NO_CACHE === "1") return undefined;
  if (env.PREFLIGHT_CACHE_DIR) return env.PREFLIGHT_CACHE_DIR;
  const base =
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : join(home, ".cache");
  return join(base, "preflight");
}

/**
 * The state folder (the audit log, the cache's signing key). Empty or relative
 * XDG_STATE_HOME is ignored, as the XDG spec requires.
 */
export function stateDirectory(env: Record<string, string | undefined>, home: string): string {
  const base =
    env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : join(home, ".local", "state");
  return join(base, "preflight");
}
