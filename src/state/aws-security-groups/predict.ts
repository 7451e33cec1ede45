/**
 * What a security-group call will change, computed from the call and the before-snapshot
 * before anything runs: exactly which atomic grants a revoke removes or an authorize adds,
 * which named grants do not exist (or already do), and — said plainly — when one revoke takes
 * out more than one source of a rule, which is how the Chargify clean-up script removed the
 * database peers' grant along with the scanner's. Pure: the caller does the I/O.
 */
import type { SecurityGroupCall } from "./call.js";
import { describeGroup, describePermission } from "./describe.js";
import { type Grant, type GroupInfo, grantId, permissionId } from "./grant.js";
import type { NamedGrant } from "./permissions.js";

export interface UnmatchedGrant {
  /** The grant as named (source group possibly by name only, or a rule id). */
  grant: Partial<Grant> & { ruleId?: string };
  why: string;
}

export interface PredictedChange {
  operation: SecurityGroupCall["operation"];
  group: { id: string; name: string | null };
  dryRun: boolean;
  /** Grants the call removes (revoke) — each one a whole entry of the before-snapshot. */
  removed: Grant[];
  /** Grants the call adds (authorize). */
  added: Grant[];
  /** Named grants that do not exist (revoke), already exist (authorize), or are not valid. */
  unmatched: UnmatchedGrant[];
  /** Plain-language warnings for the plan. */
  notes: string[];
}

export type Prediction =
  | { kind: "predicted"; change: PredictedChange }
  | { kind: "unpredictable"; problem: string };

export interface PredictionInput {
  call: SecurityGroupCall;
  /** The state's before-snapshot. */
  grants: readonly Grant[];
  /** Every group the snapshot covers, grants or not. */
  groups: readonly GroupInfo[];
  /** The state's name, for messages. */
  state: string;
  /** For `--security-group-rule-ids`: each id's grant as DescribeSecurityGroupRules tells it, null when unknown. */
  ruleGrants?: ReadonlyMap<string, NamedGrant & { group: string; direction: string }>;
}

/** The predicted change of one call against one snapshot. */
export function predictCall(input: PredictionInput): Prediction {
  const { call } = input;
  const group = targetGroup(input);
  if ("problem" in group) return { kind: "unpredictable", problem: group.problem };
  if (call.action !== "revoke") {
    // AWS resolves a source group's name itself; preflight only knows the groups it has seen.
    // Guessing "AWS will refuse it" would be wrong when the group exists elsewhere.
    const unknown = call.grants.find(
      (g) =>
        !g.invalid &&
        g.source === undefined &&
        sourceIdByName(g.sourceGroupName!, input) === undefined,
    );
    if (unknown) {
      return {
        kind: "unpredictable",
        problem: `preflight cannot tell which security group '${unknown.sourceGroupName}' is (it is not among the groups it snapshotted): name the source by id (sg-…), or add the group to the state's groups:`,
      };
    }
  }
  const change: PredictedChange = {
    operation: call.operation,
    group: { id: group.id, name: group.name },
    dryRun: call.dryRun,
    removed: [],
    added: [],
    unmatched: [],
    notes: [],
  };
  const inGroup = input.grants.filter(
    (g) => g.group === group.id && g.direction === call.direction,
  );
  if (call.action === "revoke") predictRevoke(input, group, inGroup, change);
  else predictAuthorize(input, group, inGroup, change);

  if (call.noChange) change.notes.push(`nothing changes: ${call.noChange}`);
  if (call.dryRun)
    change.notes.push("--dry-run: AWS only checks the permission and changes nothing");
  return { kind: "predicted", change };
}

/** The grants a prediction says will really change: none for a dry run or a call AWS refuses. */
export function effectiveChange(
  change: PredictedChange,
  call?: SecurityGroupCall,
): {
  removed: Grant[];
  added: Grant[];
} {
  if (change.dryRun || call?.noChange) return { removed: [], added: [] };
  return { removed: change.removed, added: change.added };
}

function targetGroup(input: PredictionInput): GroupInfo | { problem: string } {
  const { call, groups, state } = input;
  if (call.noChange && call.groupId === undefined && call.groupName === undefined) {
    return { id: "", name: null, vpcId: null, owner: null };
  }
  if (call.groupId !== undefined) {
    const found = groups.find((g) => g.id === call.groupId);
    return (
      found ?? {
        problem: `the command changes security group ${call.groupId}, which state '${state}' does not snapshot`,
      }
    );
  }
  const named = groups.filter((g) => g.name === call.groupName);
  if (named.length === 1) return named[0]!;
  return {
    problem:
      named.length === 0
        ? `the command changes security group '${call.groupName}', which state '${state}' does not snapshot`
        : `${named.length} snapshotted groups are named '${call.groupName}' (${named.map((g) => g.id).join(", ")}); name the group with --group-id`,
  };
}

function predictRevoke(
  input: PredictionInput,
  group: GroupInfo,
  inGroup: readonly Grant[],
  change: PredictedChange,
): void {
  const removed = new Map<string, Grant>();
  for (const named of input.call.grants) {
    if (named.invalid) {
      change.unmatched.push({
        grant: partial(named, group, input.call),
        why: `not valid: ${named.invalid}`,
      });
      continue;
    }
    const matches = inGroup.filter((g) => sameGrant(g, named));
    if (matches.length === 0) {
      change.unmatched.push({ grant: partial(named, group, input.call), why: "does not exist" });
    }
    for (const g of matches) removed.set(grantId(g), g);
  }
  for (const ruleId of input.call.ruleIds) {
    const rule = input.ruleGrants?.get(ruleId);
    const grant =
      rule && rule.group === group.id && rule.direction === input.call.direction
        ? inGroup.find((g) => sameGrant(g, rule))
        : undefined;
    if (grant) removed.set(grantId(grant), grant);
    else {
      change.unmatched.push({
        grant: { ruleId, group: group.id, groupName: group.name },
        why: rule ? `is not an ${input.call.direction} rule of ${group.id}` : "does not exist",
      });
    }
  }
  change.removed = [...removed.values()];

  // The Chargify pattern: several sources of one rule going at once.
  const byRule = new Map<string, Grant[]>();
  for (const g of change.removed)
    byRule.set(permissionId(g), [...(byRule.get(permissionId(g)) ?? []), g]);
  for (const grants of byRule.values()) {
    if (grants.length < 2) continue;
    const sources = grants.map((g) => (g.sourceName ? `${g.sourceName} (${g.source})` : g.source));
    change.notes.push(
      `this revoke takes out ${grants.length} sources of one rule — ${describePermission(grants[0]!)} on ${describeGroup(grants[0]!)}: ${sources.join(", ")}. If only one of them should go, revoke just that source.`,
    );
  }
  if (change.unmatched.length > 0) {
    change.notes.push(
      `${change.unmatched.length} named grant${change.unmatched.length === 1 ? " does" : "s do"} not exist or cannot be revoked: in a VPC other than the default, AWS then refuses the whole call (InvalidPermission.NotFound) and nothing changes; in the default VPC it revokes the rest`,
    );
  }
}

function predictAuthorize(
  input: PredictionInput,
  group: GroupInfo,
  inGroup: readonly Grant[],
  change: PredictedChange,
): void {
  const added = new Map<string, Grant>();
  for (const named of input.call.grants) {
    if (named.invalid) {
      change.unmatched.push({
        grant: partial(named, group, input.call),
        why: `not valid: ${named.invalid}`,
      });
      continue;
    }
    const source = named.source ?? sourceIdByName(named.sourceGroupName!, input);
    if (source === undefined) {
      change.unmatched.push({
        grant: partial(named, group, input.call),
        why: `preflight cannot tell which security group '${named.sourceGroupName}' is; name it by id`,
      });
      continue;
    }
    const grant: Grant = {
      group: group.id,
      groupName: group.name,
      direction: input.call.direction,
      protocol: named.protocol,
      from: named.from,
      to: named.to,
      sourceKind: named.sourceKind,
      source,
      sourceName:
        named.sourceGroupName ?? (named.sourceKind === "sg" ? nameOfGroup(source, input) : null),
      sourceOwner: named.sourceOwner ?? (named.sourceKind === "sg" ? group.owner : null),
      description: named.description,
    };
    if (inGroup.some((g) => grantId(g) === grantId(grant))) {
      change.unmatched.push({ grant, why: "already exists" });
    } else {
      added.set(grantId(grant), grant);
    }
  }
  change.added = [...added.values()];
  if (change.unmatched.length > 0) {
    change.notes.push(
      `${change.unmatched.length} named grant${change.unmatched.length === 1 ? " is" : "s are"} already there or not valid: AWS then refuses the whole call (InvalidPermission.Duplicate or a parameter error) and nothing changes`,
    );
  }
}

/** Whether a snapshotted grant is the one a command names (descriptions are ignored, as AWS ignores them). */
function sameGrant(g: Grant, named: NamedGrant): boolean {
  if (g.protocol !== named.protocol || g.from !== named.from || g.to !== named.to) return false;
  if (g.sourceKind !== named.sourceKind) return false;
  if (named.source !== undefined) return g.source === named.source;
  return named.sourceGroupName !== undefined && g.sourceName === named.sourceGroupName;
}

function sourceIdByName(name: string, input: PredictionInput): string | undefined {
  const ids = new Set([
    ...input.grants.filter((g) => g.sourceName === name).map((g) => g.source),
    ...input.groups.filter((g) => g.name === name).map((g) => g.id),
  ]);
  return ids.size === 1 ? [...ids][0] : undefined;
}

function nameOfGroup(id: string, input: PredictionInput): string | null {
  return (
    input.groups.find((g) => g.id === id)?.name ??
    input.grants.find((g) => g.sourceKind === "sg" && g.source === id)?.sourceName ??
    null
  );
}

function partial(named: NamedGrant, group: GroupInfo, call: SecurityGroupCall): Partial<Grant> {
  return {
    group: group.id,
    groupName: group.name,
    direction: call.direction,
    protocol: named.protocol,
    from: named.from,
    to: named.to,
    sourceKind: named.sourceKind,
    ...(named.source !== undefined && { source: named.source }),
    sourceName: named.sourceGroupName ?? null,
    description: named.description,
  };
}
