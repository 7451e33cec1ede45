/**
 * The atomic grant: one security group, one direction, one protocol and port range, ONE
 * source. DescribeSecurityGroups folds every source of a (protocol, ports) into one
 * IpPermission, and revoking that permission as it was returned removes all of them — the
 * Chargify outage. Snapshots, predictions and diffs therefore work grant by grant.
 *
 * Identity is (group, direction, protocol, from, to, sourceKind, source); the names, the
 * source's owner and the description are attributes (a changed description is a "changed"
 * entry, not a removal and an addition).
 */
import { canonicalCidr4, canonicalCidr6 } from "../../aws/cidr.js";

export type Direction = "ingress" | "egress";
export type SourceKind = "cidr4" | "cidr6" | "sg" | "prefix-list";

export interface Grant {
  [field: string]: unknown;
  group: string;
  groupName: string | null;
  direction: Direction;
  /** tcp, udp, icmp, icmpv6, all (AWS's -1), or another protocol's number. */
  protocol: string;
  /** First port, or the ICMP type (-1: all); null where ports do not apply. */
  from: number | null;
  /** Last port, or the ICMP code (-1: all); null where ports do not apply. */
  to: number | null;
  sourceKind: SourceKind;
  /** The canonical CIDR, the source group's id or the prefix list's id. */
  source: string;
  /** The source group's name, when the source is a group and its name is known. */
  sourceName: string | null;
  /** The account that owns the source group. */
  sourceOwner: string | null;
  description: string | null;
}

/** The fields that identify a grant: the snapshot's key. */
export const GRANT_KEY = [
  "group",
  "direction",
  "protocol",
  "from",
  "to",
  "sourceKind",
  "source",
] as const;

/** A grant's identity as one string, for maps and comparisons. */
export function grantId(grant: Pick<Grant, (typeof GRANT_KEY)[number]>): string {
  return GRANT_KEY.map((field) => String(grant[field])).join("|");
}

/** The rule a grant belongs to (everything but the source): grants that AWS shows as one IpPermission. */
export function permissionId(grant: Grant): string {
  return [grant.group, grant.direction, grant.protocol, grant.from, grant.to].join("|");
}

const PROTOCOL_NUMBERS: Record<string, string> = {
  "-1": "all",
  "1": "icmp",
  "6": "tcp",
  "17": "udp",
  "58": "icmpv6",
};

/**
 * A protocol as AWS or the CLI writes it (`tcp`, `6`, `-1`, `all`, `ICMP`) in canonical form;
 * undefined when it is none.
 */
export function canonicalProtocol(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const text = String(value).trim().toLowerCase();
  if (text === "all") return "all";
  if (/^-?\d+$/.test(text)) {
    const number = Number(text);
    if (number !== -1 && (number < 0 || number > 255)) return undefined;
    return PROTOCOL_NUMBERS[String(number)] ?? String(number);
  }
  return ["tcp", "udp", "icmp", "icmpv6"].includes(text) ? text : undefined;
}

/** Whether ports (or ICMP type and code) mean anything for this protocol. */
export function hasPorts(protocol: string): boolean {
  return ["tcp", "udp", "icmp", "icmpv6"].includes(protocol);
}

/**
 * The (from, to) a grant of `protocol` has, from the ports given. Ports do not apply to "all"
 * or to other protocol numbers, which AWS stores without them; ICMP without a type means all
 * types. TCP and UDP need both ports: undefined means AWS would refuse the grant.
 */
export function canonicalPorts(
  protocol: string,
  from: unknown,
  to: unknown,
): { from: number | null; to: number | null } | undefined {
  if (!hasPorts(protocol)) return { from: null, to: null };
  const f = toPort(from);
  const t = toPort(to);
  if (protocol === "icmp" || protocol === "icmpv6") {
    if (f === undefined && t === undefined) return { from: -1, to: -1 };
    if (f === undefined) return undefined;
    return { from: f, to: t ?? -1 };
  }
  if (f === undefined || t === undefined) return undefined;
  return { from: f, to: t };
}

function toPort(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const number = Number(value);
  return Number.isInteger(number) ? number : undefined;
}

/** A source in canonical form; undefined when the value is not valid for its kind. */
export function canonicalSource(kind: SourceKind, value: string): string | undefined {
  if (kind === "cidr4") return canonicalCidr4(value);
  if (kind === "cidr6") return canonicalCidr6(value);
  return value.trim() === "" ? undefined : value.trim();
}

/** A snapshotted security group (it may have no grants at all). */
export interface GroupInfo {
  id: string;
  name: string | null;
  vpcId: string | null;
  owner: string | null;
}
