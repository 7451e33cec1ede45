/**
 * Node's own bindings, where using them is silent: on Node 20 `process.binding()` of
 * process_wrap and tty_wrap is only documentation-deprecated (DEP0111). Later versions may
 * warn about every process.binding() call or drop it, and `--pending-deprecation` makes it
 * warn on 20 too, so there the answer is undefined and callers use the public module.
 * Only for the unguarded path, where one avoided module is a measurable share of the run.
 */
export interface NodeRuntime {
  version: string;
  execArgv: readonly string[];
  env: Record<string, string | undefined>;
  binding: ((name: string) => unknown) | undefined;
}

export function currentRuntime(): NodeRuntime {
  return {
    version: process.version,
    execArgv: process.execArgv,
    env: process.env,
    binding: (process as unknown as { binding?: (name: string) => unknown }).binding,
  };
}

/** The binding `name` when it can be had without a warning, else undefined. */
export function quietBinding(name: string, runtime: NodeRuntime = currentRuntime()): unknown {
  if (!runtime.version.startsWith("v20.")) return undefined;
  const pending =
    runtime.execArgv.includes("--pending-deprecation") ||
    (runtime.env.NODE_OPTIONS ?? "").includes("--pending-deprecation") ||
    runtime.env.NODE_PENDING_DEPRECATION === "1";
  if (pending || typeof runtime.binding !== "function") return undefined;
  try {
    return runtime.binding(name) ?? undefined;
  } catch {
    return undefined;
  }
}
