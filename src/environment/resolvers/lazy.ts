/**
 * Loads the target resolvers on first use. In the built CLI this import is rewritten to
 * `require("./resolvers.cjs")` (scripts/build.mjs), a bundle of its own, so a command that no
 * rule with a `target` matches neither loads a resolver nor reads a configuration file.
 */
export function loadResolvers(): Promise<typeof import("./modules.js")> {
  return import("./modules.js");
}
