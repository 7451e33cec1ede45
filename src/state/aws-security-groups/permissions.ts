/**
 * IpPermission ⇄ atomic grants. An IpPermission (from the API, from `--ip-permissions` JSON or
 * shorthand, or built from `--protocol/--port/--cidr/--source-group`) names one grant per
 * source; a grant becomes a one-source IpPermission again when it has to be re-authorized or
 * revoked.
 */
import type { IpPermission } from "@aws-sdk/client-ec2";
import {
  canonicalPorts,
  canonicalProtocol,
  canonicalSource,
  type Grant,
  type SourceKind,
} from "./grant.js";

/** A grant as a command names it: no group yet, and a source group possibly by name only. */
export interface NamedGrant {
  protocol: string;
  from: number | null;
  to: number | null;
  sourceKind: SourceKind;
  /** Canonical source; absent when a source group is named by name only. */
  source?: string;
  sourceGroupName?: string;
  sourceOwner?: string;
  description: string | null;
  /** Set when AWS would refuse this grant as written (no ports for TCP, a bad CIDR, …). */
  invalid?: string;
}

export class PermissionError extends Error {}

const PERMISSION_KEYS = new Set([
  "IpProtocol",
  "FromPort",
  "ToPort",
  "IpRanges",
  "Ipv6Ranges",
  "UserIdGroupPairs",
  "PrefixListIds",
]);

/**
 * The grants one IpPermission names. `value` is the parsed JSON or shorthand (strings where
 * the shorthand had words); unknown keys throw PermissionError, as the CLI rejects them.
 */
export function grantsOfPermission(value: unknown): NamedGrant[] {
  const permission = asObject(value, "an IpPermission");
  for (const key of Object.keys(permission)) {
    if (!PERMISSION_KEYS.has(key)) throw new PermissionError(`unknown IpPermission key ${key}`);
  }
  const rawProtocol = permission.IpProtocol;
  const protocol = canonicalProtocol(rawProtocol);
  const ports = protocol
    ? canonicalPorts(protocol, permission.FromPort, permission.ToPort)
    : undefined;
  const problem =
    protocol === undefined
      ? rawProtocol === undefined
        ? "it names no protocol"
        : `${JSON.stringify(rawProtocol)} is not a protocol`
      : ports === undefined
        ? `${protocol} needs FromPort and ToPort`
        : undefined;
  const base = {
    protocol: protocol ?? String(rawProtocol ?? ""),
    from: ports?.from ?? null,
    to: ports?.to ?? null,
  };

  const grants: NamedGrant[] = [];
  const add = (kind: SourceKind, item: Record<string, unknown>, field: string) => {
    const raw = item[field];
    const description = typeof item.Description === "string" ? item.Description : null;
    const written = typeof raw === "string" ? raw : "";
    const source = canonicalSource(kind, written);
    const invalid =
      problem ??
      (source === undefined ? `${JSON.stringify(raw ?? null)} is not a valid ${field}` : undefined);
    grants.push({
      ...base,
      sourceKind: kind,
      ...(source !== undefined && { source }),
      description,
      ...(invalid !== undefined && { invalid }),
    });
  };
  for (const item of listOf(permission.IpRanges, "IpRanges")) add("cidr4", item, "CidrIp");
  for (const item of listOf(permission.Ipv6Ranges, "Ipv6Ranges")) add("cidr6", item, "CidrIpv6");
  for (const item of listOf(permission.PrefixListIds, "PrefixListIds"))
    add("prefix-list", item, "PrefixListId");
  for (const item of listOf(permission.UserIdGroupPairs, "UserIdGroupPairs")) {
    const description = typeof item.Description === "string" ? item.Description : null;
    const owner = typeof item.UserId === "string" ? item.UserId : undefined;
    const id = typeof item.GroupId === "string" && item.GroupId !== "" ? item.GroupId : undefined;
    const name =
      typeof item.GroupName === "string" && item.GroupName !== "" ? item.GroupName : undefined;
    const invalid = problem ?? (id || name ? undefined : "a UserIdGroupPairs entry names no group");
    grants.push({
      ...base,
      sourceKind: "sg",
      ...(id !== undefined && { source: id }),
      ...(id === undefined && name !== undefined && { sourceGroupName: name }),
      ...(owner !== undefined && { sourceOwner: owner }),
      description,
      ...(invalid !== undefined && { invalid }),
    });
  }
  if (grants.length === 0) {
    grants.push({
      ...base,
      sourceKind: "cidr4",
      description: null,
      invalid:
        problem ?? "it names no source (IpRanges, Ipv6Ranges, UserIdGroupPairs or PrefixListIds)",
    });
  }
  return grants;
}

/** The one-source IpPermission that authorizes or revokes exactly this grant, description included. */
export function permissionOfGrant(grant: Grant): IpPermission {
  const description = grant.description === null ? {} : { Description: grant.description };
  const permission: IpPermission = {
    IpProtocol: grant.protocol === "all" ? "-1" : grant.protocol,
    ...(grant.from !== null && { FromPort: grant.from }),
    ...(grant.to !== null && { ToPort: grant.to }),
  };
  switch (grant.sourceKind) {
    case "cidr4":
      permission.IpRanges = [{ CidrIp: grant.source, ...description }];
      break;
    case "cidr6":
      permission.Ipv6Ranges = [{ CidrIpv6: grant.source, ...description }];
      break;
    case "prefix-list":
      permission.PrefixListIds = [{ PrefixListId: grant.source, ...description }];
      break;
    case "sg":
      permission.UserIdGroupPairs = [
        {
          GroupId: grant.source,
          ...(grant.sourceOwner !== null && { UserId: grant.sourceOwner }),
          ...description,
        },
      ];
      break;
  }
  return permission;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new PermissionError(`expected ${what} (a structure), got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

function listOf(value: unknown, field: string): Record<string, unknown>[] {
  if (value === undefined || value === null || value === "") return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => asObject(item, `an entry of ${field}`));
}
