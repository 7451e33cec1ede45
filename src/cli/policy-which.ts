/**
 * `preflight policy which`: the policy files a run here would use, and every place preflight
 * looks, in order, with why each does or does not apply. Exit 0; 65 when a --policy or
 * PREFLIGHT_POLICY path does not exist (as a run would refuse).
 */
import { type Place, reportDiscovery } from "../policy/discovery-report.js";
import type { CliContext } from "./context.js";

const PLACE_NAMES: Record<Place["origin"], string> = {
  "--policy": "--policy",
  PREFLIGHT_POLICY: "$PREFLIGHT_POLICY",
  "working folder": "the repository's",
  "user configuration": "the user's",
  "system configuration": "the system's",
  bundled: "bundled",
};

/** What each place is, for someone who has not read the docs. */
const PLACE_RULES: Record<Place["origin"], string> = {
  "--policy": "the files or folders given on the command line",
  PREFLIGHT_POLICY: "paths joined by ':'",
  "working folder":
    "preflight.yaml or .preflight/ here or in the nearest parent folder that has one",
  "user configuration": "*.yaml in $XDG_CONFIG_HOME/preflight/ (~/.config/preflight/)",
  "system configuration": "*.yaml in /etc/preflight/",
  bundled: "the policy that comes with preflight",
};

export async function policyWhich(
  options: { policy: string[]; json: boolean },
  ctx: CliContext,
): Promise<number> {
  const report = reportDiscovery({
    explicit: options.policy,
    env: ctx.env,
    cwd: ctx.cwd,
    home: ctx.home,
  });
  if (options.json) {
    ctx.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `policy that applies here (${PLACE_NAMES[report.applies.origin]}):`,
    ...report.applies.files.map((file) => `  ${file}`),
    "",
    "where preflight looks, in order; the first place with a policy wins:",
  ];
  report.places.forEach((place, i) => {
    const where = place.where.length > 0 ? place.where.join(", ") : "-";
    lines.push(`  ${i + 1}. ${PLACE_NAMES[place.origin].padEnd(17)} ${place.status}`);
    lines.push(`     ${PLACE_RULES[place.origin]}: ${where}`);
  });
  ctx.stdout(`${lines.join("\n")}\n`);
  return 0;
}
