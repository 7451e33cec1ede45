/**
 * `rollback: auto` for security groups: re-authorize grants that were wrongly removed (with
 * their descriptions), revoke grants that were wrongly added, put changed descriptions back.
 * One API call per grant, so one refusal (a grant someone re-created meanwhile) does not stop
 * the others, and the report can say what happened to each.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  type EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from "@aws-sdk/client-ec2";
import type { UndoPlan, UndoStep } from "../types.js";
import type { Grant } from "./grant.js";
import { permissionOfGrant } from "./permissions.js";

const DONE: Record<UndoStep["action"], string> = {
  "re-created": "re-authorized",
  removed: "revoked",
  reverted: "description restored",
};

export async function restoreGrants(
  client: EC2Client,
  plan: UndoPlan,
  options: { abortSignal?: AbortSignal; describeError: (error: unknown) => string },
): Promise<UndoStep[]> {
  const steps: UndoStep[] = [];
  const how = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  const send = async (entry: Grant, action: UndoStep["action"], call: () => Promise<unknown>) => {
    const done = DONE[action];
    try {
      await call();
      steps.push({ entry, action, done, ok: true });
    } catch (error) {
      steps.push({ entry, action, done, ok: false, problem: options.describeError(error) });
    }
  };
  for (const entry of plan.restore as Grant[]) {
    const input = { GroupId: entry.group, IpPermissions: [permissionOfGrant(entry)] };
    await send(entry, "re-created", () =>
      entry.direction === "ingress"
        ? client.send(new AuthorizeSecurityGroupIngressCommand(input), how)
        : client.send(new AuthorizeSecurityGroupEgressCommand(input), how),
    );
  }
  for (const entry of plan.remove as Grant[]) {
    const input = { GroupId: entry.group, IpPermissions: [permissionOfGrant(entry)] };
    await send(entry, "removed", () =>
      entry.direction === "ingress"
        ? client.send(new RevokeSecurityGroupIngressCommand(input), how)
        : client.send(new RevokeSecurityGroupEgressCommand(input), how),
    );
  }
  for (const { before } of plan.revert as { before: Grant; after: Grant }[]) {
    // Identity is equal, so only the description can differ; leaving it out removes it.
    const input = { GroupId: before.group, IpPermissions: [permissionOfGrant(before)] };
    await send(before, "reverted", () =>
      before.direction === "ingress"
        ? client.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand(input), how)
        : client.send(new UpdateSecurityGroupRuleDescriptionsEgressCommand(input), how),
    );
  }
  return steps;
}
