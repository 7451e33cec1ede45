/**
 * preflight's own spawner (native/spawn.c, in the native addon src/util/native-addon.ts
 * loads), where it was built and loads: it starts a command with posix_spawn instead of
 * Node's fork, which is 4-6 ms of every wrapped command on the machines measured
 * (docs/performance.md). Undefined wherever the addon is absent, from another version, or
 * switched off with PREFLIGHT_NO_NATIVE=1; the caller then starts commands through Node
 * (spawn-inherited.ts).
 */
import {
  loadNativeAddon,
  type NativeAddon,
  nativeAddon,
  nativeAddonPath,
} from "../util/native-addon.js";

export type NativeSpawner = Pick<NativeAddon, "version" | "spawn">;

export const nativeSpawnerPath = nativeAddonPath;
export const nativeSpawner: (
  env?: Record<string, string | undefined>,
) => NativeSpawner | undefined = nativeAddon;
export const loadNativeSpawner: (file: string) => NativeSpawner | undefined = loadNativeAddon;
