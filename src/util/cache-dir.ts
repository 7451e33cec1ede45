/** Where preflight keeps its caches (compiled policies, compiled code); undefined when disabled. */
import { join } from "node:path";

export function cacheDirectory(
  env: Record<string, string | undefined>,
  home: string,
): string | undefined {
  if (env.PREFLIGHT_NO_CACHE === "1") return undefined;
  if (env.PREFLIGHT_CACHE_DIR) return env.PREFLIGHT_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(home, ".cache"), "preflight");
}
