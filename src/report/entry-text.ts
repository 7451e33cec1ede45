/** One state entry in words: a security-group grant as "ingress tcp 22 from 10.0.0.0/8 on db (sg-1)", anything else as JSON. */
import type { Entry } from "../diff/types.js";
import { describeGrant } from "../state/aws-security-groups/describe.js";
import type { Grant } from "../state/aws-security-groups/grant.js";

export function describeEntry(entry: Entry, withGroup = true): string {
  if (isGrant(entry)) return describeGrant(entry, withGroup);
  if (typeof entry.ruleId === "string")
    return `rule ${entry.ruleId}${entry.group ? ` of ${entry.group}` : ""}`;
  return JSON.stringify(entry);
}

function isGrant(entry: Entry): entry is Grant {
  return (
    typeof entry.direction === "string" &&
    typeof entry.protocol === "string" &&
    typeof entry.sourceKind === "string"
  );
}
