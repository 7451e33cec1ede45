/**
 * A Node built-in module loaded when first asked for, not when the importing file loads:
 * `import … from "node:crypto"` at the top of a module on the unguarded path would load
 * node:crypto (and node:stream with it) on every run. process.getBuiltinModule (Node ≥ 20.16)
 * where there is one, else the CommonJS require of the bundles (and of vitest).
 */
export function builtin<T>(id: `node:${string}`): T {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof get === "function") return get.call(process, id) as T;
  return require(id) as T;
}
