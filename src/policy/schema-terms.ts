/**
 * What each place in a policy file holds, in the policy's own words, for schema errors: "a
 * rule's `decision:` is allow, confirm or deny …" rather than the schema library's "expected
 * record". Data only; src/policy/schema-wording.ts puts it together with what was written.
 *
 * A pattern is the path to a place: `[]` stands for any entry of a list, `*` for any name in
 * a map (an environment's, a check's), and `a|b` for either key.
 */

export interface Term {
  /** A sentence about the place: what it is and what it holds. */
  says: string;
  /** What to write instead, with an example (one line); $KEY stands for the key written. */
  hint: string;
}

const CHECK_LIST_HINT =
  "write one check per line, each starting with a dash: `- use: sequence-headroom` or `- name: … run: […]`";

const DECISION: Term = {
  says: "a `decision:` is allow, confirm or deny, or a map from an environment's name to one of them",
  hint: 'write `decision: deny`, or `decision: { production: deny, "*": confirm }`',
};
const ONE_DECISION: Term = {
  says: "a decision for one environment is allow, confirm or deny",
  hint: "write `production: deny`",
};
const CHECKS: Term = {
  says: "`checks:` here is a list of checks, each `- name: …` with `run:`, `tls:` or `http:`, or `- use: NAME` for a named check",
  hint: CHECK_LIST_HINT,
};
const VERIFY: Term = {
  says: "`verify:` is a list of checks run after the command, each `- name: …` with `run:`, `tls:` or `http:`, or `- use: NAME`",
  hint: CHECK_LIST_HINT,
};
const STATE: Term = {
  says: "`state:` is a list of snapshots, each `- name: …` with `run: […]` (or `aws-ec2-security-groups:`)",
  hint: "write `state: [ { name: pipelines, run: [fly, pipelines, --json], format: json, key: [name] } ]`",
};
const EXPECT: Term = {
  says: "`expect:` is a map of what the command may change: added, removed, changed, unchanged, predicted",
  hint: "write `expect: { removed: { max: 1 }, added: none, changed: none }`",
};
const CHANGE: Term = {
  says: "`added:`, `removed:` and `changed:` are none, any, or a map with max, only and never",
  hint: 'write `$KEY: none`, or `$KEY: { max: 1, only: { name: "{resource}" } }`',
};
const TRUE_OR_FALSE = (key: string, of: string): Term => ({
  says: `${of} \`${key}:\` is true or false`,
  hint: `write \`${key}: true\` (no quotes)`,
});
const EXTRACTOR = (key: string): Term => ({
  says: `a rule's \`${key}:\` says where the command names it: a map with flag, position or vars`,
  hint: `write \`${key}: { flag: [-t, --target] }\``,
});

const LINT_REASON: Term = {
  says: "a lint suppression's `reason:` says, for the reviewer, why the finding does not apply here",
  hint: "write `- code: PF107` and, under it, `reason: scratch databases only, rebuilt every night`",
};

/** The file itself. */
const ROOT: Term = {
  says: "a policy file is a map: `version: 1`, then rules, environments, checks, tests or procedures",
  hint: "start the file with `version: 1`, then `rules:`",
};

export const TERMS: Readonly<Record<string, Term>> = {
  version: {
    says: "`version:` is the policy format's version, and the only one is 1",
    hint: "write `version: 1` at the top of the file",
  },
  environments: {
    says: "`environments:` is a map from an environment's name to the environment",
    hint: "write `environments: { production: { protected: true, match: { target: [prod] } } }`",
  },
  "environments.*": {
    says: "an environment is a map of its settings: protected, color, description, match",
    hint: "write `production: { protected: true, color: red, match: { target: [prod] } }`",
  },
  "environments.*.protected": TRUE_OR_FALSE("protected", "an environment's"),
  "environments.*.color": {
    says: "an environment's `color:` is one of red, yellow, green, blue, magenta, cyan, white, gray",
    hint: "write `color: red`",
  },
  "environments.*.match": {
    says: "an environment's `match:` says how to recognise it: a map with target, vars or aws-account",
    hint: 'write `match: { target: [prod, "prod-*"] }`',
  },
  "environments.*.match.target": {
    says: "`match.target:` is a glob, or a list of globs, for the targets that name this environment",
    hint: 'write `target: [prod, "prod-*"]`',
  },
  "unknown-environment": {
    says: "`unknown-environment:` is protected or deny",
    hint: "write `unknown-environment: protected`",
  },
  "unparsable-scripts": {
    says: "`unparsable-scripts:` is block or no-match",
    hint: "write `unparsable-scripts: block`",
  },
  rules: {
    says: "`rules:` is a list of rules, each starting with `- id:`",
    hint: "put each rule under `rules:` as `- id: …` (the dash makes it an entry of the list)",
  },
  "rules[]": {
    says: "a rule is a map: id, match, decision and the rest",
    hint: "write `- id: dropdb` then, indented under it, `match: { command: dropdb }` and `decision: deny`",
  },
  "rules[].id": {
    says: "a rule's `id:` is its name, in letters, digits, '.', '_' and '-'",
    hint: "write `id: concourse-destroy-pipeline`",
  },
  "rules[].match": {
    says: "a rule's `match:` says which commands it is about: a map with `command:` and, optionally, `args:`",
    hint: "write `match: { command: fly, args: [destroy-pipeline] }`",
  },
  "rules[].match.command": {
    says: "`match.command:` is a program's name, or a list of names",
    hint: "write `command: dropdb` or `command: [dropdb, dropuser]`",
  },
  "rules[].match.args": {
    says: "`match.args:` is a list of globs, one for each word after the program",
    hint: 'write `args: [destroy-pipeline]` or `args: ["{destroy-pipeline,dp}"]`',
  },
  "rules[].environment": EXTRACTOR("environment"),
  "rules[].resource": EXTRACTOR("resource"),
  "rules[].decision": DECISION,
  "rules[].decision.*": ONE_DECISION,
  "rules[].require-reason": TRUE_OR_FALSE("require-reason", "a rule's"),
  "rules[].checks": CHECKS,
  "rules[].verify": VERIFY,
  "rules[].state": STATE,
  "rules[].expect": EXPECT,
  "rules[].expect.added|removed|changed": CHANGE,
  "rules[].rollback": {
    says: "a rule's `rollback:` is auto, prompt, or a map with the command to run: `{ run: … }`",
    hint: 'write `rollback: { run: [fly, -t, "{target}", set-pipeline, …] }`, or `rollback: auto` for security groups',
  },
  checks: {
    says: "`checks:` at the top level is a map from a check's name to the check",
    hint: "write `checks: { sequence-headroom: { run: … } }`, each check under its own name (no dashes)",
  },
  "checks.*": {
    says: "a named check is a map with `run:`, `tls:` or `http:` and, optionally, its `expect:`",
    hint: 'write `sequence-headroom: { run: [psql, -XAtc, "select …"], expect: { number: { max: 0.8 } } }`',
  },
  tests: {
    says: "`tests:` is a list of test cases, each `- command: [...]` with what to `expect:`",
    hint: "write `tests: [ { command: [dropdb, app], expect: { decision: deny } } ]`",
  },
  "tests[].name": {
    says: "a test case's `name:` says what it shows",
    hint: "write `- name: production pipelines cannot be destroyed` above its `command:`",
  },
  "tests[].command": {
    says: "a test case's `command:` is the command as a list of words",
    hint: "write `command: [fly, -t, prod, destroy-pipeline, -p, main]`",
  },
  "tests[].expect.decision": {
    says: "a test case's `expect.decision:` is allow, confirm, deny or none",
    hint: "write `decision: deny`",
  },
  procedures: {
    says: "`procedures:` is a map from a procedure's name to the procedure",
    hint: "write `procedures: { switchover: { steps: [ … ] } }`",
  },
  "procedures.*.steps": {
    says: "a procedure's `steps:` is a list of steps, each starting with `- name:`",
    hint: "write each step under `steps:` as `- name: … run: […]`",
  },
  "procedures.*.decision": DECISION,
  "procedures.*.decision.*": ONE_DECISION,
  "procedures.*.require-reason": TRUE_OR_FALSE("require-reason", "a procedure's"),
  "procedures.*.on-failure": {
    says: "a procedure's `on-failure:` is stop or undo",
    hint: "write `on-failure: stop`",
  },
  "lint.ignore[].reason": LINT_REASON,
  "rules[].lint.ignore[].reason": LINT_REASON,
  "environments.*.lint.ignore[].reason": LINT_REASON,
  "procedures.*.steps[].checks": CHECKS,
  "procedures.*.steps[].verify": VERIFY,
  "procedures.*.steps[].state": STATE,
  "procedures.*.steps[].expect": EXPECT,
  "procedures.*.steps[].expect.added|removed|changed": CHANGE,
};

type PathKey = string | number;

/** The term for the place at `path`, if the table names it. */
export function termAt(path: readonly PathKey[]): Term | undefined {
  if (path.length === 0) return ROOT;
  for (const [pattern, term] of Object.entries(TERMS)) {
    if (matches(segments(pattern), path)) return term;
  }
  return undefined;
}

function segments(pattern: string): string[] {
  return pattern.replaceAll("[]", ".[]").split(".");
}

function matches(pattern: readonly string[], path: readonly PathKey[]): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((segment, i) => {
    const key = path[i];
    if (segment === "[]") return typeof key === "number";
    if (typeof key !== "string") return false;
    return segment === "*" || segment.split("|").includes(key);
  });
}
