/**
 * What one policy version does with one command, reduced to what a reviewer compares: the
 * decision, the environment, the confirmation, and the checks, state probes and expectations
 * that would guard it, each tagged with its rule.
 */

import type { ChangeExpectation, Decision, Policy, Rule, Selector } from "../../policy/types.js";
import { explainCommand } from "../explain/explain.js";
import type { DiffCommand } from "./commands.js";

export interface GuardItem {
  rule: string;
  name: string;
  /** What it runs, as text, to tell an edited check from the same one. */
  detail: string;
}

export interface ExpectationSet {
  rule: string;
  added: ChangeExpectation;
  removed: ChangeExpectation;
  changed: ChangeExpectation;
  unchanged: Selector[];
  /** `expect.predicted`: the actual change must equal (exact) or stay within (subset) the prediction. */
  predicted?: "exact" | "subset";
}

export interface CommandOutcome {
  decision: Decision | "none";
  decidedBy?: string;
  blocked?: string;
  environment?: { name: string; known: boolean; protected: boolean; source: string };
  confirmation: { required: boolean; word?: string; reason: boolean };
  rules: string[];
  checks: GuardItem[];
  state: GuardItem[];
  /** What undoes a bad change: a rollback command or `rollback: auto|prompt`. */
  rollbacks: GuardItem[];
  expectations: ExpectationSet[];
}

const ANY: ChangeExpectation = { kind: "any" };

export function commandOutcome(policy: Policy, command: DiffCommand): CommandOutcome {
  const e = explainCommand({
    policy,
    argv: command.argv,
    vars: command.vars,
    ...(command.env !== undefined && { intendedEnv: command.env }),
  });
  const ids = [
    ...new Set(e.commands.flatMap((c) => c.rules.filter((r) => r.matched).map((r) => r.id))),
  ];
  const rules = ids
    .map((id) => policy.rules.find((r) => r.id === id))
    .filter((r): r is Rule => !!r);
  return {
    decision: e.decision,
    ...(e.decidedBy !== undefined && { decidedBy: e.decidedBy }),
    ...(e.blocked && { blocked: e.blocked.reason }),
    ...(e.environment && {
      environment: {
        name: e.environment.name,
        known: e.environment.known,
        protected: e.environment.protected,
        source: e.environment.source,
      },
    }),
    confirmation: e.confirmation,
    rules: ids,
    checks: rules.flatMap((r) => [
      ...r.checks.map((c) => ({
        rule: r.id,
        name: c.name,
        detail: JSON.stringify({ ...c, source: undefined }),
      })),
      // Checks after the command (`verify:`) guard it as much as the ones before.
      ...(r.verify ?? []).map((c) => ({
        rule: r.id,
        name: `verify: ${c.name}`,
        detail: JSON.stringify({ ...c, source: undefined }),
      })),
    ]),
    state: rules.flatMap((r) =>
      r.state.map((s) => ({
        rule: r.id,
        name: s.name,
        detail: JSON.stringify({ ...s, source: undefined }),
      })),
    ),
    rollbacks: rules.flatMap((r) => [
      ...(r.rollback
        ? [{ rule: r.id, name: "rollback", detail: JSON.stringify(r.rollback.run) }]
        : []),
      ...(r.restore ? [{ rule: r.id, name: `rollback: ${r.restore}`, detail: r.restore }] : []),
    ]),
    expectations: rules.map((r) => ({
      rule: r.id,
      added: r.expect?.added ?? ANY,
      removed: r.expect?.removed ?? ANY,
      changed: r.expect?.changed ?? ANY,
      unchanged: r.expect?.unchanged ?? [],
      ...(r.expect?.predicted && { predicted: r.expect.predicted }),
    })),
  };
}
