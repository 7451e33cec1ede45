/**
 * `--security-group-rule-ids`: which grant each rule id is. DescribeSecurityGroupRules lists
 * one rule per source with its id; filtering by the group (not by the ids) means an id that
 * does not exist is simply absent instead of failing the whole lookup.
 */
import {
  DescribeSecurityGroupRulesCommand,
  type EC2Client,
  type SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { canonicalPorts, canonicalProtocol, canonicalSource, type SourceKind } from "./grant.js";
import type { NamedGrant } from "./permissions.js";

export type RuleGrant = NamedGrant & { group: string; direction: "ingress" | "egress" };

export async function grantsOfRuleIds(
  client: EC2Client,
  groupId: string,
  ruleIds: readonly string[],
  abortSignal?: AbortSignal,
): Promise<Map<string, RuleGrant>> {
  const wanted = new Set(ruleIds);
  const found = new Map<string, RuleGrant>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeSecurityGroupRulesCommand({
        Filters: [{ Name: "group-id", Values: [groupId] }],
        MaxResults: 1000,
        ...(token && { NextToken: token }),
      }),
      abortSignal ? { abortSignal } : {},
    );
    for (const rule of page.SecurityGroupRules ?? []) {
      if (rule.SecurityGroupRuleId && wanted.has(rule.SecurityGroupRuleId)) {
        const grant = grantOfRule(rule);
        if (grant) found.set(rule.SecurityGroupRuleId, grant);
      }
    }
    token = page.NextToken || undefined;
  } while (token);
  return found;
}

/** One rule as a named grant; undefined when it names no source preflight knows. */
export function grantOfRule(rule: SecurityGroupRule): RuleGrant | undefined {
  const protocol = canonicalProtocol(rule.IpProtocol) ?? String(rule.IpProtocol ?? "");
  // DescribeSecurityGroupRules reports -1/-1 where ports do not apply.
  const ports = canonicalPorts(protocol, rule.FromPort, rule.ToPort) ?? { from: null, to: null };
  const pick = (): [SourceKind, string] | undefined => {
    if (rule.CidrIpv4) return ["cidr4", rule.CidrIpv4];
    if (rule.CidrIpv6) return ["cidr6", rule.CidrIpv6];
    if (rule.PrefixListId) return ["prefix-list", rule.PrefixListId];
    if (rule.ReferencedGroupInfo?.GroupId) return ["sg", rule.ReferencedGroupInfo.GroupId];
    return undefined;
  };
  const picked = pick();
  if (!picked || !rule.GroupId) return undefined;
  const [kind, raw] = picked;
  return {
    group: rule.GroupId,
    direction: rule.IsEgress ? "egress" : "ingress",
    protocol,
    ...ports,
    sourceKind: kind,
    source: canonicalSource(kind, raw) ?? raw,
    description: rule.Description ?? null,
  };
}
