/**
 * The snapshot: the selected groups, unfolded into atomic grants, with their source groups
 * named. Only the selected groups are snapshotted (never the whole account unless the policy
 * says `all: true`), but to name the sources in the same call, the first call reads one page
 * of every group in the region: where that is all of them (at most 1,000 groups, most
 * accounts) it is the only call. Where it is not, the selected groups are described by id or
 * name, and their source groups by id, as before (one call more than that alone would take).
 * Names learnt in a run are remembered, so the after-snapshot is one call.
 */
import {
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type Filter,
  type IpPermission,
  type SecurityGroup,
} from "@aws-sdk/client-ec2";
import { ProbeError } from "../types.js";
import {
  canonicalPorts,
  canonicalProtocol,
  canonicalSource,
  type Direction,
  type Grant,
  type GroupInfo,
  type SourceKind,
} from "./grant.js";

export interface GroupSelection {
  ids: string[];
  names: string[];
  all: boolean;
}

export interface GroupsSnapshot {
  groups: GroupInfo[];
  grants: Grant[];
}

/** AWS accepts at most 200 values in one filter. */
const FILTER_VALUES = 200;

/** Snapshots the selected groups; throws ProbeError when one of them does not exist. */
export async function snapshotSecurityGroups(
  client: EC2Client,
  selection: GroupSelection,
  options: { names: Map<string, string>; abortSignal?: AbortSignal },
): Promise<GroupsSnapshot> {
  const found = await findSelectedGroups(client, selection, options);
  const byId = new Map(found.map((g) => [g.GroupId ?? "", g]));
  const missing = [
    ...selection.ids.filter((id) => !byId.has(id)),
    ...selection.names.filter((name) => ![...byId.values()].some((g) => g.GroupName === name)),
  ];
  if (missing.length > 0) {
    throw new ProbeError(
      `security group${missing.length === 1 ? "" : "s"} ${missing.join(", ")} not found (check the account, region and names)`,
    );
  }
  const groups = [...byId.values()].sort((a, b) =>
    (a.GroupId ?? "").localeCompare(b.GroupId ?? ""),
  );
  for (const g of groups) if (g.GroupId && g.GroupName) options.names.set(g.GroupId, g.GroupName);

  const grants = groups.flatMap(grantsOfGroup);
  await nameSourceGroups(client, grants, options);
  for (const grant of grants) {
    if (grant.sourceKind === "sg") grant.sourceName = options.names.get(grant.source) ?? null;
  }
  return {
    groups: groups.map((g) => ({
      id: g.GroupId ?? "",
      name: g.GroupName ?? null,
      vpcId: g.VpcId ?? null,
      owner: g.OwnerId ?? null,
    })),
    grants,
  };
}

/** The selected groups, as DescribeSecurityGroups returns them (see the top of this file). */
async function findSelectedGroups(
  client: EC2Client,
  selection: GroupSelection,
  options: { names: Map<string, string>; abortSignal?: AbortSignal },
): Promise<SecurityGroup[]> {
  if (selection.all) return describeGroups(client, [], options.abortSignal);
  const wholeRegion = await describeOnePage(client, options);
  if (wholeRegion) {
    for (const g of wholeRegion) {
      if (g.GroupId && g.GroupName) options.names.set(g.GroupId, g.GroupName);
    }
    return wholeRegion.filter(
      (g) => selection.ids.includes(g.GroupId ?? "") || selection.names.includes(g.GroupName ?? ""),
    );
  }
  const found: SecurityGroup[] = [];
  for (const [filter, values] of [
    ["group-id", selection.ids],
    ["group-name", selection.names],
  ] as const) {
    for (let i = 0; i < values.length; i += FILTER_VALUES) {
      const chunk = values.slice(i, i + FILTER_VALUES);
      found.push(
        ...(await describeGroups(client, [{ Name: filter, Values: chunk }], options.abortSignal)),
      );
    }
  }
  return found;
}

/**
 * Every group in the region when they fit in one page, else undefined (only worth it when
 * something is selected and names are not yet known: the after-snapshot knows them).
 */
async function describeOnePage(
  client: EC2Client,
  options: { names: Map<string, string>; abortSignal?: AbortSignal },
): Promise<SecurityGroup[] | undefined> {
  if (options.names.size > 0) return undefined;
  const page = await client.send(
    new DescribeSecurityGroupsCommand({ MaxResults: 1000 }),
    options.abortSignal ? { abortSignal: options.abortSignal } : {},
  );
  return page.NextToken ? undefined : (page.SecurityGroups ?? []);
}

async function describeGroups(
  client: EC2Client,
  filters: Filter[],
  abortSignal: AbortSignal | undefined,
): Promise<SecurityGroup[]> {
  const groups: SecurityGroup[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeSecurityGroupsCommand({
        ...(filters.length > 0 && { Filters: filters }),
        MaxResults: 1000,
        ...(token && { NextToken: token }),
      }),
      abortSignal ? { abortSignal } : {},
    );
    groups.push(...(page.SecurityGroups ?? []));
    token = page.NextToken || undefined;
  } while (token);
  return groups;
}

/** Names of source groups not seen yet in this run; a deleted source simply stays unnamed. */
async function nameSourceGroups(
  client: EC2Client,
  grants: readonly Grant[],
  options: { names: Map<string, string>; abortSignal?: AbortSignal },
): Promise<void> {
  const unknown = [
    ...new Set(
      grants
        .filter((g) => g.sourceKind === "sg" && !options.names.has(g.source))
        .map((g) => g.source),
    ),
  ];
  for (let i = 0; i < unknown.length; i += FILTER_VALUES) {
    const chunk = unknown.slice(i, i + FILTER_VALUES);
    const groups = await describeGroups(
      client,
      [{ Name: "group-id", Values: chunk }],
      options.abortSignal,
    );
    for (const g of groups) if (g.GroupId && g.GroupName) options.names.set(g.GroupId, g.GroupName);
  }
}

/** One group's permissions unfolded into one grant per source. */
export function grantsOfGroup(group: SecurityGroup): Grant[] {
  return [
    ...unfold(group, "ingress", group.IpPermissions ?? []),
    ...unfold(group, "egress", group.IpPermissionsEgress ?? []),
  ];
}

function unfold(group: SecurityGroup, direction: Direction, permissions: IpPermission[]): Grant[] {
  const grants: Grant[] = [];
  for (const p of permissions) {
    const protocol = canonicalProtocol(p.IpProtocol) ?? String(p.IpProtocol ?? "").toLowerCase();
    const ports = canonicalPorts(protocol, p.FromPort, p.ToPort) ?? {
      from: p.FromPort ?? null,
      to: p.ToPort ?? null,
    };
    const base = {
      group: group.GroupId ?? "",
      groupName: group.GroupName ?? null,
      direction,
      protocol,
      ...ports,
    };
    const add = (kind: SourceKind, raw: string | undefined, extra: Partial<Grant>) => {
      if (!raw) return;
      grants.push({
        ...base,
        sourceKind: kind,
        source: canonicalSource(kind, raw) ?? raw,
        sourceName: null,
        sourceOwner: null,
        description: null,
        ...extra,
      });
    };
    for (const r of p.IpRanges ?? [])
      add("cidr4", r.CidrIp, { description: r.Description ?? null });
    for (const r of p.Ipv6Ranges ?? [])
      add("cidr6", r.CidrIpv6, { description: r.Description ?? null });
    for (const r of p.PrefixListIds ?? [])
      add("prefix-list", r.PrefixListId, { description: r.Description ?? null });
    for (const pair of p.UserIdGroupPairs ?? []) {
      add("sg", pair.GroupId, {
        sourceOwner: pair.UserId ?? null,
        description: pair.Description ?? null,
      });
    }
  }
  return grants.sort(compareGrants);
}

function compareGrants(a: Grant, b: Grant): number {
  return (
    a.direction.localeCompare(b.direction) ||
    a.protocol.localeCompare(b.protocol) ||
    (a.from ?? -2) - (b.from ?? -2) ||
    (a.to ?? -2) - (b.to ?? -2) ||
    a.sourceKind.localeCompare(b.sourceKind) ||
    a.source.localeCompare(b.source)
  );
}
