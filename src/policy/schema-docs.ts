/**
 * Hover text for the policy's JSON Schema: a `description` for every key an author writes,
 * and a `markdownDescription` (with an example) where a key's meaning is easy to get wrong.
 * Kept beside the zod schema rather than in it, so the loader's schema stays readable and a
 * description can be shared by every place a key appears (a check's `expect` inside a rule, a
 * step or the named checks). A key is looked up by its path, longest suffix first:
 * `rules.checks.expect` finds "checks.expect" before "expect". A key the schema itself
 * describes (zod `.describe()`) keeps that description.
 */

export interface KeyDoc {
  description: string;
  markdownDescription?: string;
}

const DECISION_MD =
  '`allow`, `confirm` (type the environment\'s name), `approve` (confirm, plus a second person\'s approval: `preflight request`, `preflight approve`, `run --approval`; needs a team database) or `deny`; one for every environment, or a map by environment name with `"*"` for the rest:\n\n```yaml\ndecision: { production: deny, staging: confirm, "*": allow }\n```\n\nAbsent: confirm where the environment is protected, allow elsewhere. An environment preflight cannot identify is never below confirm.';

const EXPECT_CHANGE_MD =
  '`none`, `any`, or a limit: `{ max: 1, only: { name: "{resource}" }, never: { … } }`. Compared between the state before and after the command.';

export const KEY_DOCS: Record<string, KeyDoc> = {
  version: { description: "The policy format's version; always 1." },
  environments: {
    description: "The environments commands can target, by name, and how to recognise each.",
  },
  "environments.protected": {
    description:
      "A protected environment is confirmed by typing its name, and shown in its colour, unless a rule decides otherwise.",
  },
  "environments.color": { description: "The banner colour for this environment." },
  description: { description: "What this is, for people reading the policy and its messages." },
  "environments.match": {
    description:
      "How a command's target, variables or AWS account are recognised as this environment.",
  },
  "match.target": {
    description:
      "Globs for the values a rule's `environment` extractor reads (a -t value, a host name) that mean this environment.",
    markdownDescription:
      'Globs for the values a rule\'s `environment` extractor reads that mean this environment:\n\n```yaml\ntarget: [prod, production, "prod-*", "*.prod.internal"]\n```\n\nA target no environment lists is **unknown** (see `unknown-environment`). Removing one from a protected environment is a weakening `policy diff` reports.',
  },
  "match.vars": {
    description:
      'Process variables that, all together, mean this environment (name → glob), e.g. { AWS_PROFILE: "prod*" }.',
  },
  "match.aws-account": {
    description: "AWS account ids (12 digits) whose credentials mean this environment.",
  },
  lint: { description: "policy lint suppressions, each with a code and a reason." },
  "lint.ignore": { description: "The lint findings accepted here, each with why." },
  "ignore.code": { description: "The lint code to suppress, e.g. PF107 (policy lint --list)." },
  "ignore.reason": { description: "Why the finding does not apply here; a reviewer reads it." },
  "unknown-environment": {
    description:
      "What happens to a command whose target no environment recognises: `protected` (its name must be typed) or `deny`.",
    markdownDescription:
      "What happens to a command whose target no environment recognises:\n\n- `protected` (default): treated as a protected environment named after the target; its name must be typed.\n- `deny`: refused, until the target is added to an environment's `match`.",
  },
  "unparsable-scripts": {
    description:
      "A shell script preflight cannot read (`$(…)`, `eval`): `block` it (default) or let it through as `no-match`.",
  },
  rules: {
    description: "What preflight does with each kind of command; every matching rule applies.",
  },
  "rules.id": { description: "A stable name for the rule, used in messages, tests and reviews." },
  "rules.hint": { description: "What to do instead, shown when the rule denies." },
  "rules.match": {
    description: "The commands this rule guards: a program (glob) and, optionally, args in order.",
    markdownDescription:
      'The commands this rule guards:\n\n```yaml\nmatch: { command: fly, args: ["{destroy-pipeline,dp}"] }\n```\n\n`args` must appear in this order; other words may sit between them. A narrower match is a weakening `policy diff` reports, with an example command.',
  },
  "match.command": { description: "The program's name (glob, or a list), without its path." },
  "match.args": { description: "Argument globs that must all appear, in this order." },
  "rules.environment": {
    description:
      "Where the command names its environment: a flag, a position, variables or the AWS account.",
    markdownDescription:
      "Where the command names its environment, read against each environment's `match`:\n\n```yaml\nenvironment: { flag: [-t, --target], vars: [DEPLOY_ENV] }\n```",
  },
  "rules.resource": {
    description: "Where the command names what it acts on ({resource} in checks and messages).",
  },
  "rules.args": {
    description: "More named values read from the command, for checks' templates ({args.NAME}).",
  },
  "rules.decision": {
    description: "allow, confirm, approve or deny, per environment.",
    markdownDescription: DECISION_MD,
  },
  "procedures.decision": {
    description: "allow, confirm, approve or deny, per environment, for running the procedure.",
    markdownDescription: DECISION_MD,
  },
  "require-reason": {
    description: "Require --reason (recorded in the audit log) before the command runs.",
  },
  "rules.checks": {
    description: "Checks that must pass before the command runs; a failure stops it (exit 67).",
  },
  "checks.run": {
    description: "A command whose exit status (and output) says whether to go ahead.",
  },
  "checks.tls": {
    description:
      "Compare the certificate a server serves with the one on disk, its expiry and name.",
  },
  "checks.http": { description: "A URL's status, body, JSON value and latency." },
  "verify.run": { description: "A command whose exit status (and output) says the change worked." },
  "verify.tls": {
    description:
      "Compare the certificate a server serves with the one on disk, its expiry and name.",
  },
  "verify.http": { description: "A URL's status, body, JSON value and latency, after the change." },
  "http.url": { description: "The URL to request (a template)." },
  "http.method": { description: "The HTTP method; default GET." },
  "http.ca-file": { description: "A CA bundle to trust for this request (PEM)." },
  "checks.expect": { description: "What the check's output must be for it to pass." },
  "verify.expect": { description: "What the check's output must be for it to pass." },
  "stdout.equals": { description: "The output, trimmed, must equal this." },
  "stdout.contains": { description: "The output must contain this." },
  "body.equals": { description: "The response body, trimmed, must equal this." },
  "body.contains": { description: "The response body must contain this." },
  "json.path": { description: "A value inside the output read as JSON, e.g. data.items[0].id." },
  "json.equals": { description: "The value at the path must equal this." },
  "expect.number": {
    description: "Limits on the first number in the output (or the JSON path's value).",
  },
  "number.min": { description: "Fail below this." },
  "number.max": { description: "Fail above this." },
  "latency-ms.max": { description: "Fail when the response takes longer (milliseconds)." },
  "latency-ms.warn": { description: "Warn when the response takes longer (milliseconds)." },
  "rules.state": {
    description: "Snapshots taken before and after the command, compared by expect.",
  },
  "steps.state": { description: "Snapshots taken before and after the step, compared by expect." },
  "state.name": { description: "The snapshot's name, used in reports and expectations." },
  "state.run": { description: "A read-only command that prints the state (JSON or lines)." },
  "state.aws-ec2-security-groups": {
    description: "The security groups' grants, read through the AWS API.",
  },
  "state.format": {
    description: "How the command's output is read: json (an array of objects) or lines.",
  },
  "state.key": {
    description: "Fields that identify an entry; absent: the whole entry is its identity.",
  },
  "state.timeout": { description: "Seconds before the probe is given up." },
  "state.read-only": {
    description: "Declares the probe changes nothing; preflight refuses probes that are not.",
  },
  "rules.expect": {
    description: "What the command may change in the state: a violation fails the run (exit 70).",
    markdownDescription:
      'What the command may change, between the `state` snapshots before and after it:\n\n```yaml\nexpect:\n  removed: { max: 1, only: { name: "{resource}" } }\n  added: none\n  changed: none\n```\n\nA violation fails the run (exit 70) and triggers the `rollback`.',
  },
  "steps.expect": {
    description: "What the step may change in the state; a violation fails the step.",
  },
  "expect.added": {
    description: "Entries that may appear.",
    markdownDescription: EXPECT_CHANGE_MD,
  },
  "expect.removed": {
    description: "Entries that may disappear.",
    markdownDescription: EXPECT_CHANGE_MD,
  },
  "expect.changed": {
    description: "Entries that may change.",
    markdownDescription: EXPECT_CHANGE_MD,
  },
  max: { description: "At most this many entries." },
  only: { description: "Every entry must match this selector (field → glob)." },
  never: { description: "No entry may match this selector (field → glob)." },
  "expect.unchanged": { description: "Selectors for entries that must not change at all." },
  "expect.predicted": {
    description: "The actual change must equal (exact) or stay within (subset) the predicted one.",
  },
  "rules.rollback": {
    description:
      "How to undo the command when verification fails: a command, or auto/prompt to restore entries.",
  },
  "rollback.run": { description: "The command that undoes it (a template)." },
  "rollback.timeout": { description: "Seconds before the rollback is given up." },
  tests: { description: "The policy's own test cases: commands and what the policy must decide." },
  "tests.name": { description: "What the case shows, in a sentence." },
  "tests.command": { description: "The command, as an argv list." },
  "tests.vars": { description: "Variables the command runs with (name → value)." },
  "tests.env": { description: "The --env the operator gives." },
  "tests.aws-account": { description: "The AWS account STS would name, for rules that read it." },
  "tests.expect": { description: "What the policy must decide; each key given is asserted." },
  "tests.expect.decision": { description: "none, allow, confirm, approve or deny." },
  "tests.expect.environment": { description: "The environment the command must resolve to." },
  "tests.expect.rules": { description: "Exactly the rules that must match (and so are covered)." },
  procedures: { description: "Named sequences of guarded steps (preflight procedure run NAME)." },
  "procedures.environment": {
    description: "Where the procedure's environment comes from: a param or variables.",
  },
  "procedures.params": { description: "The --param NAME=VALUE the procedure accepts." },
  "params.name": { description: "The param's name (--param NAME=VALUE)." },
  "procedures.on-failure": {
    description: "When a step fails: stop there, or undo the completed steps.",
  },
  "procedures.steps": { description: "The steps, in order." },
  "steps.name": { description: "The step's name, shown in plans and reports." },
  checks: { description: "Named checks, for preflight check NAME and `use: NAME` in rules." },
};

type Schema = Record<string, unknown>;

/** Adds descriptions (and markdownDescriptions) to every property the table knows. */
export function describeKeys(schema: Schema): Schema {
  walk(schema, []);
  return schema;
}

/** Property paths, as `rules.checks.expect`, with no description; empty when all have one. */
export function undescribedKeys(schema: Schema): string[] {
  const missing = new Set<string>();
  visit(schema, [], (node, path) => {
    if (typeof node.description !== "string") missing.add(path.join("."));
  });
  return [...missing];
}

function walk(schema: Schema, path: string[]): void {
  visit(schema, path, (node, at) => {
    const doc = lookup(at);
    if (!doc) return;
    if (typeof node.description !== "string") node.description = doc.description;
    if (doc.markdownDescription && node.markdownDescription === undefined)
      node.markdownDescription = doc.markdownDescription;
  });
}

/** Calls `each` for every property schema, with its path (map and list levels are skipped). */
function visit(node: unknown, path: string[], each: (node: Schema, path: string[]) => void): void {
  if (!node || typeof node !== "object") return;
  const schema = node as Schema;
  const properties = schema.properties as Record<string, Schema> | undefined;
  for (const [key, value] of Object.entries(properties ?? {})) {
    each(value, [...path, key]);
    visit(value, [...path, key], each);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === "object")
    visit(schema.additionalProperties, path, each);
  if (schema.items) visit(schema.items, path, each);
  for (const k of ["anyOf", "oneOf", "allOf"])
    for (const branch of (schema[k] as unknown[] | undefined) ?? []) visit(branch, path, each);
}

function lookup(path: string[]): KeyDoc | undefined {
  for (let start = 0; start < path.length; start++) {
    const doc = KEY_DOCS[path.slice(start).join(".")];
    if (doc) return doc;
  }
  return undefined;
}
