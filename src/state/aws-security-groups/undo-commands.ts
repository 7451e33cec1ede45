/**
 * The AWS CLI commands that undo a plan by hand, one per grant, for when preflight must not
 * (`rollback: prompt` with no terminal to ask on) or could not: exact, copyable, with the
 * grant's description, and with the command's own --profile/--region/--endpoint-url.
 */
import { readAwsCommandLine } from "../../aws/cli-argv.js";
import { formatArgv } from "../../command/template.js";
import type { UndoPlan } from "../types.js";
import type { Grant } from "./grant.js";
import { permissionOfGrant } from "./permissions.js";

export function undoCommands(plan: UndoPlan, argv: readonly string[]): string[] {
  const line = readAwsCommandLine(argv);
  const globals = [
    ...(line?.profile ? ["--profile", line.profile] : []),
    ...(line?.region ? ["--region", line.region] : []),
    ...(line?.endpointUrl ? ["--endpoint-url", line.endpointUrl] : []),
  ];
  const command = (operation: string, grant: Grant) =>
    formatArgv([
      "aws",
      ...globals,
      "ec2",
      `${operation}-${grant.direction}`,
      "--group-id",
      grant.group,
      "--ip-permissions",
      JSON.stringify([permissionOfGrant(grant)]),
    ]);
  return [
    ...(plan.restore as Grant[]).map((g) => command("authorize-security-group", g)),
    ...(plan.remove as Grant[]).map((g) => command("revoke-security-group", g)),
    ...plan.revert.map(({ before }) =>
      command("update-security-group-rule-descriptions", before as Grant),
    ),
  ];
}
