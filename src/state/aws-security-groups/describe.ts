/** Grants in words, for the plan, the outcome and messages: "ingress icmp (all types) from sg-1 (scanner)". */
import type { Grant } from "./grant.js";

type GrantLike = Pick<Grant, "direction" | "protocol" | "from" | "to" | "sourceKind"> &
  Partial<Pick<Grant, "group" | "groupName" | "source" | "sourceName" | "description">>;

/** The rule part: direction, protocol and ports. */
export function describePermission(grant: GrantLike): string {
  return `${grant.direction} ${describeProtocol(grant)}`;
}

/** One grant: rule, source, name and description; `withGroup` adds "on db (sg-…)". */
export function describeGrant(grant: GrantLike, withGroup = false): string {
  const way = grant.direction === "ingress" ? "from" : "to";
  const source = grant.source ?? grant.sourceName ?? "?";
  const name = grant.sourceName && grant.sourceName !== source ? ` (${grant.sourceName})` : "";
  const description = grant.description ? ` "${grant.description}"` : "";
  const group = withGroup && grant.group ? ` on ${describeGroup(grant)}` : "";
  return `${describePermission(grant)} ${way} ${source}${name}${description}${group}`;
}

export function describeGroup(grant: Partial<Pick<Grant, "group" | "groupName">>): string {
  return grant.groupName ? `${grant.groupName} (${grant.group})` : String(grant.group);
}

function describeProtocol(grant: GrantLike): string {
  const { protocol, from, to } = grant;
  if (protocol === "all") return "all traffic";
  if (protocol === "icmp" || protocol === "icmpv6") {
    if (from === -1 || from === null) return `${protocol} (all types)`;
    if (to === -1 || to === null) return `${protocol} type ${from} (all codes)`;
    return `${protocol} type ${from} code ${to}`;
  }
  if (protocol === "tcp" || protocol === "udp") {
    if (from === to) return `${protocol} ${from}`;
    if (from === 0 && to === 65535) return `${protocol} (all ports)`;
    return `${protocol} ${from}-${to}`;
  }
  return `protocol ${protocol}`;
}
