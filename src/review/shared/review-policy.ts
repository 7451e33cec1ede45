/**
 * The shapes the review tools share: a policy loaded for review, where each of its keys is
 * written, and its lint suppressions. Types only, so that lint's checks can name them without
 * importing the loader (which imports lint's suppression rules: that would be a circle).
 */
import type { PolicyProblem } from "../../errors.js";
import type { PolicyFile } from "../../policy/schema.js";
import type { Environment, Policy, Rule, SourceRef } from "../../policy/types.js";

export type PathKey = string | number;
export type Locate = (path?: readonly PathKey[], key?: string) => SourceRef;

export interface ReviewFile {
  file: string;
  /** The validated file as written; absent when it has schema problems. */
  data?: PolicyFile;
  locate: Locate;
}

/** What a lint finding is about, and so where its suppression must be written. */
export type Subject =
  | { kind: "rule"; rule: Rule }
  | { kind: "environment"; env: Environment }
  | { kind: "policy" };

export interface Suppression {
  code: string;
  reason: string;
  subject: Subject;
  /** Where its `code:` is written. */
  at: SourceRef;
  used: boolean;
}

export interface ReviewPolicy {
  name: string;
  files: string[];
  testFiles: string[];
  /** The compiled policy with every test case (its own and its test files'); absent when invalid. */
  policy?: Policy;
  problems: PolicyProblem[];
  /** Each policy file, for file-level settings. */
  sources: ReviewFile[];
  locateRule: (rule: Rule) => Locate;
  locateEnvironment: (env: Environment) => Locate;
  suppressions: Suppression[];
}
