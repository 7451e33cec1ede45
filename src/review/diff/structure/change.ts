/**
 * One change of meaning between two compiled policies, found by comparing them key by key
 * (not by sampling commands), classed for a reviewer and located on both sides.
 */
import type { Environment, Policy, Rule, SourceRef } from "../../../policy/types.js";

/**
 * - weakening: some command is less guarded than before;
 * - tightening: some command is more guarded, none less;
 * - neutral: no command is guarded differently (a description, a colour, a rename);
 * - needs-human: preflight cannot tell which way it goes, so a person must judge it.
 */
export type ChangeClass = "weakening" | "tightening" | "neutral" | "needs-human";

export interface StructuralChange {
  class: ChangeClass;
  /** What changed: "rule concourse-destroy-pipeline", "environment production", "policy". */
  subject: string;
  /** For rule changes, the rule's id (the new one after a rename). */
  rule?: string;
  /** For per-environment decision changes, the environment. */
  environment?: string;
  text: string;
  /** Where it is written in the old and the new version (absent on the side that lacks it). */
  old?: SourceRef;
  new?: SourceRef;
  /** A command the old rule matched and the new one does not (or the reverse, for a widening). */
  example?: string;
}

export type Locator = (path?: readonly (string | number)[], key?: string) => SourceRef;

/** One side of the comparison: a compiled policy and where each of its parts is written. */
export interface DiffSide {
  policy: Policy;
  locateRule: (rule: Rule) => Locator;
  locateEnvironment: (env: Environment) => Locator;
}

/** Ordering for reports: what needs a reviewer most comes first. */
export const CLASS_ORDER: readonly ChangeClass[] = [
  "weakening",
  "needs-human",
  "tightening",
  "neutral",
];

/** A rising scale for two-way comparisons: a step up is a tightening, down a weakening. */
export function byRank(before: number, after: number): ChangeClass {
  return after < before ? "weakening" : after > before ? "tightening" : "neutral";
}
