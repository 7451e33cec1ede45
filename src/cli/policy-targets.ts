/**
 * Which policies a review command looks at: each PATH argument (a file, a folder, or
 * `git:REV:path`) is one policy; with none, the policy a run here would use.
 */
import { discoverPolicy } from "../policy/discover.js";
import {
  displayName,
  type PolicyTexts,
  readFromDisk,
  readPolicySource,
} from "../review/shared/sources.js";
import type { CliContext } from "./context.js";

export function policyTargets(paths: readonly string[], ctx: CliContext): PolicyTexts[] {
  if (paths.length > 0) return paths.map((path) => readPolicySource(path, ctx.cwd));
  const { files } = discoverPolicy({ explicit: [], env: ctx.env, cwd: ctx.cwd, home: ctx.home });
  const name = files.map((f) => displayName(f, ctx.cwd)).join(", ");
  return [readFromDisk(files, ctx.cwd, name)];
}
