/**
 * The `aws-ec2-security-groups` state kind: snapshot, prediction and restore of EC2 security
 * groups as atomic grants, with the wrapped command's own credentials, region and endpoint.
 * The SDK and every module that imports it are loaded on first use only.
 */
import { readAwsCommandLine } from "../../aws/cli-argv.js";
import type { AwsClients } from "../../aws/clients.js";
import { describeAwsError } from "../../aws/errors.js";
import { type AwsTarget, awsTargetOf } from "../../aws/target.js";
import { fillArgv, TemplateError } from "../../command/template.js";
import type { Entry } from "../../diff/types.js";
import type { AwsSecurityGroupsStateSpec } from "../../policy/types.js";
import { type ProbeContext, ProbeError, type StateKind, type StatePrediction } from "../types.js";
import { readSecurityGroupCall } from "./call.js";
import { describeGroup } from "./describe.js";
import type { Grant, GroupInfo } from "./grant.js";
import { predictCall } from "./predict.js";
import type { GroupSelection } from "./snapshot.js";
import { undoCommands } from "./undo-commands.js";

/**
 * The groups each snapshot covered, by the entries array it returned: a group with no grants
 * leaves no entry, yet a prediction must know it was looked at.
 */
const coveredGroups = new WeakMap<readonly Entry[], GroupInfo[]>();

export const awsSecurityGroupsKind: StateKind<AwsSecurityGroupsStateSpec> = {
  kind: "aws-ec2-security-groups",

  async snapshot(spec, context) {
    const { aws, target } = connection(context);
    const selection = selectionOf(spec, context);
    const { snapshotSecurityGroups } = await import("./snapshot.js");
    try {
      const result = await snapshotSecurityGroups(await aws.ec2(target), selection, {
        names: aws.groupNames,
        abortSignal: AbortSignal.timeout(spec.timeoutMs),
      });
      coveredGroups.set(result.grants, result.groups);
      return result.grants;
    } catch (error) {
      if (error instanceof ProbeError) throw error;
      throw new ProbeError(describeAwsError(error, target));
    }
  },

  async predict(spec, context, before): Promise<StatePrediction | undefined> {
    const reading = readSecurityGroupCall(context.argv ?? [], {
      cwd: context.cwd,
      ...(context.home !== undefined && { home: context.home }),
    });
    if (!reading) return undefined;
    if (reading.kind === "unreadable") return { kind: "unpredictable", problem: reading.problem };
    const { call } = reading;
    const grants = before as Grant[];
    const groups = coveredGroups.get(before) ?? groupsOfGrants(grants);

    let ruleGrants: Awaited<ReturnType<typeof import("./rule-ids.js").grantsOfRuleIds>> | undefined;
    if (call.ruleIds.length > 0) {
      const groupId =
        call.groupId ??
        groups.find((g) => call.groupName !== undefined && g.name === call.groupName)?.id;
      if (groupId) {
        const { aws, target } = connection(context);
        const { grantsOfRuleIds } = await import("./rule-ids.js");
        try {
          ruleGrants = await grantsOfRuleIds(
            await aws.ec2(target),
            groupId,
            call.ruleIds,
            AbortSignal.timeout(spec.timeoutMs),
          );
        } catch (error) {
          return {
            kind: "unpredictable",
            problem: `could not look up --security-group-rule-ids: ${describeAwsError(error, target)}`,
          };
        }
      }
    }

    const prediction = predictCall({
      call,
      grants,
      groups,
      state: spec.name,
      ...(ruleGrants && { ruleGrants }),
    });
    if (prediction.kind === "unpredictable") return prediction;
    const { change } = prediction;
    return {
      kind: "predicted",
      summary: `${call.operation} on ${describeGroup({ group: change.group.id, groupName: change.group.name })}${call.dryRun ? " (dry run)" : ""}`,
      removed: change.removed,
      added: change.added,
      unmatched: change.unmatched.map((u) => ({ entry: u.grant, why: u.why })),
      notes: change.notes,
      noChange: call.dryRun || call.noChange !== undefined,
      noun: "grant",
    };
  },

  async restore(spec, context, plan) {
    const { aws, target } = connection(context);
    const { restoreGrants } = await import("./restore.js");
    return restoreGrants(await aws.ec2(target), plan, {
      abortSignal: AbortSignal.timeout(spec.timeoutMs),
      describeError: (error) => describeAwsError(error, target),
    });
  },

  async undoCommands(_spec, context, plan) {
    return undoCommands(plan, context.argv ?? []);
  },
};

function connection(context: ProbeContext): { aws: AwsClients; target: AwsTarget } {
  if (!context.aws) throw new ProbeError("preflight was started without AWS access (a bug)");
  return { aws: context.aws, target: awsTargetOf(context.argv ?? [], context.env) };
}

const GROUP_ID = /^sg-[0-9a-zA-Z]+$/;

/** The groups to snapshot: the policy's (templates filled), or those the command names. */
export function selectionOf(
  spec: AwsSecurityGroupsStateSpec,
  context: ProbeContext,
): GroupSelection {
  if (spec.all) return { ids: [], names: [], all: true };
  let values: string[];
  if (spec.groups.length > 0) {
    try {
      values = fillArgv(spec.groups, context.lookup);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      throw new ProbeError(
        `the groups to snapshot need {${error.missing}}, which this command does not give`,
      );
    }
  } else {
    const options = readAwsCommandLine(context.argv ?? [])?.options;
    values = [
      ...(options?.get("group-id")?.at(-1) ?? []),
      ...(options?.get("group-name")?.at(-1) ?? []),
    ];
    if (values.length === 0) {
      throw new ProbeError(
        "the command names no security group (--group-id or --group-name); list them in the policy: aws-ec2-security-groups: { groups: [...] }",
      );
    }
  }
  const unique = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ""))];
  return {
    ids: unique.filter((v) => GROUP_ID.test(v)),
    names: unique.filter((v) => !GROUP_ID.test(v)),
    all: false,
  };
}

function groupsOfGrants(grants: readonly Grant[]): GroupInfo[] {
  const byId = new Map<string, GroupInfo>();
  for (const g of grants) {
    byId.set(g.group, { id: g.group, name: g.groupName, vpcId: null, owner: null });
  }
  return [...byId.values()];
}
