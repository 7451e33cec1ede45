/**
 * Loads src/team/modules.ts on first use. In the built CLI this import is rewritten to
 * `require("./team.cjs")` (scripts/build.mjs), a bundle of its own that requires `pg`: a run
 * without a team database neither loads nor parses any of it.
 */
export function loadTeamModules(): Promise<typeof import("./modules.js")> {
  return import("./modules.js");
}
