/**
 * The policy file's schema (v1), as the author writes it. Unknown keys are errors everywhere:
 * a typo such as `enviroment:` must not silently disable a guard. The loader validates with
 * this, then `compile.ts` turns the result into the normalised `Policy`.
 *
 * This module imports zod, which costs tens of milliseconds: only the loader (on a cache
 * miss) and the policy commands may import it.
 */
import { z } from "zod";
import { TARGET_TOOLS } from "../environment/resolvers/types.js";
import { namedCheckSchema, ruleCheckSchema } from "./check-schema.js";

const nonEmpty = z.string().min(1, "must not be empty");
const oneOrMany = z.union([nonEmpty, z.array(nonEmpty).min(1)]);
// YAML reads `[pg_ctl, -t, 60]` or `[ls, -1]` with numbers in it; an argv word is text either way.
const argvWord = z.union([z.string(), z.number(), z.boolean()]);
const runSpec = z.union([nonEmpty, z.array(argvWord).min(1, "an argv list needs a program")]);
const seconds = z.number().positive().max(86_400);
const identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-'");

export const decisionSchema = z.enum(["allow", "confirm", "approve", "deny"]);

// A lock on the run's target, held in the team database (src/team/): `true` or a key template.
const lockSchema = z
  .union([z.literal(true), nonEmpty])
  .describe('hold a team lock while it runs: true, or a key template such as "{env}/{resource}"');

// The team database (src/team/): one shared audit trail, locks. Where the URL comes from is
// named, never written here: a policy file is reviewed and committed.
const teamSchema = z
  .strictObject({
    name: identifier
      .optional()
      .describe("the team whose audit chain records go to; default 'default'"),
    "database-url-variable": z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a variable name such as PREFLIGHT_DATABASE_URL")
      .optional()
      .describe("the variable holding the libpq URL; default PREFLIGHT_DATABASE_URL"),
    offline: z
      .enum(["refuse", "spool"])
      .optional()
      .describe("database unreachable: refuse protected runs (default) or spool their records"),
    "lock-lease": seconds
      .optional()
      .describe("seconds a lock outlives its holder's last renewal; default 120"),
    "approval-expiry": seconds
      .optional()
      .describe("seconds an approval (preflight approve) stays usable; default 3600"),
  })
  .describe("the team database: shared audit trail and locks");

// `policy lint` suppressions, on the rule, environment or file a finding is about; each one
// names its code and says why, so a reviewer can judge it (see src/review/lint/catalogue.ts).
const lintSchema = z
  .strictObject({
    ignore: z
      .array(
        z.strictObject({
          code: z.string().regex(/^PF\d{3}$/, "use a lint code such as PF107"),
          reason: z.string().regex(/\S/, "say why the finding does not apply here"),
        }),
      )
      .min(1),
  })
  .describe("policy lint suppressions, each with a code and a reason");

const extractorSchema = z.strictObject({
  flag: oneOrMany.optional().describe("flags whose value names it, e.g. [-t, --target]"),
  position: z.number().int().min(1).optional().describe("argv index (0 is the program)"),
  vars: oneOrMany.optional().describe("process variables whose value names it"),
});

// Check kinds (run, tls, http, use) have their own module; procedures reuse it.
const checkSchema = ruleCheckSchema;

// An AWS account id is 12 digits; YAML reads an unquoted one as a number and drops leading zeros.
const awsAccountId = z
  .union([
    z.string().regex(/^\d{12}$/, "an AWS account id is 12 digits"),
    z.number().int().min(0).max(999_999_999_999),
  ])
  .transform((v) => String(v).padStart(12, "0"));

const environmentExtractorSchema = extractorSchema.extend({
  "aws-account": z
    .literal(true)
    .optional()
    .describe("the AWS account of the command's credentials (STS)"),
  target: z
    .enum(TARGET_TOOLS)
    .optional()
    .describe("the tool whose own configuration says where the command really goes"),
});

const stateSchema = z
  .strictObject({
    name: nonEmpty,
    run: runSpec.optional(),
    "aws-ec2-security-groups": z
      .strictObject({
        groups: z
          .array(nonEmpty)
          .min(1)
          .optional()
          .describe("ids or names; default: the command's"),
        all: z.literal(true).optional().describe("every group in the account and region"),
      })
      .optional(),
    format: z.enum(["json", "lines"]).optional(),
    key: z.array(nonEmpty).optional(),
    timeout: seconds.optional(),
    "read-only": z.boolean().optional(),
  })
  .superRefine((s, ctx) => {
    const aws = s["aws-ec2-security-groups"];
    if ((s.run === undefined) === (aws === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "a state probe needs exactly one of run or aws-ec2-security-groups",
      });
    } else if (aws && (s.format !== undefined || s.key !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [s.format !== undefined ? "format" : "key"],
        message: "aws-ec2-security-groups has its own format and key (the grant's identity)",
      });
    } else if (aws?.groups && aws.all) {
      ctx.addIssue({
        code: "custom",
        path: ["aws-ec2-security-groups"],
        message: "give either groups or all: true, not both",
      });
    }
  });

const selectorSchema = z.record(nonEmpty, z.union([z.string(), z.number(), z.boolean()]));

const changeSchema = z.union([
  z.enum(["none", "any"]),
  z.strictObject({
    max: z.number().int().min(0).optional(),
    only: selectorSchema.optional(),
    never: selectorSchema.optional(),
  }),
]);

const expectSchema = z.strictObject({
  added: changeSchema.optional(),
  removed: changeSchema.optional(),
  changed: changeSchema.optional(),
  unchanged: z.array(selectorSchema).optional(),
  predicted: z.enum(["exact", "subset"]).optional(),
});

export const ruleSchema = z.strictObject({
  id: identifier,
  description: z.string().optional(),
  hint: z.string().optional(),
  match: z.strictObject({
    command: oneOrMany,
    args: z.array(nonEmpty).optional(),
  }),
  environment: environmentExtractorSchema.optional(),
  resource: extractorSchema.optional(),
  args: z.record(identifier, extractorSchema).optional(),
  decision: z.union([decisionSchema, z.record(nonEmpty, decisionSchema)]).optional(),
  "require-reason": z.boolean().optional(),
  lock: lockSchema.optional(),
  checks: z.array(checkSchema).optional(),
  verify: z.array(checkSchema).optional().describe("checks run after the command"),
  state: z.array(stateSchema).optional(),
  expect: expectSchema.optional(),
  rollback: z
    .union([
      z.enum(["auto", "prompt"]),
      z.strictObject({ run: runSpec, timeout: seconds.optional() }),
    ])
    .optional(),
  lint: lintSchema.optional(),
});

const environmentSchema = z.strictObject({
  protected: z.boolean().optional(),
  color: z.enum(["red", "yellow", "green", "blue", "magenta", "cyan", "white", "gray"]).optional(),
  description: z.string().optional(),
  match: z
    .strictObject({
      target: oneOrMany.optional(),
      vars: z.record(nonEmpty, nonEmpty).optional(),
      "aws-account": z.union([awsAccountId, z.array(awsAccountId).min(1)]).optional(),
      // What a rule's `target` resolver reads from the tool's configuration (globs).
      url: oneOrMany.optional().describe("fly api, cf API endpoint, bosh director URL"),
      server: oneOrMany.optional().describe("the kube cluster's server URL (kubectl, helm)"),
      host: oneOrMany.optional().describe("the PostgreSQL host libpq connects to"),
      workspace: oneOrMany.optional().describe("the terraform workspace"),
      backend: oneOrMany.optional().describe("the terraform backend, e.g. s3://bucket/key"),
    })
    .optional(),
  lint: lintSchema.optional(),
});

const testSchema = z.strictObject({
  name: nonEmpty,
  command: z.array(z.string()).min(1),
  vars: z.record(nonEmpty, z.string()).optional(),
  env: nonEmpty.optional(),
  "aws-account": awsAccountId.optional(),
  files: z
    .record(nonEmpty, z.string())
    .optional()
    .describe("configuration files the case's tools see (path → text; ~/ is the case's home)"),
  expect: z.strictObject({
    decision: z.enum(["allow", "confirm", "approve", "deny", "none"]).optional(),
    environment: nonEmpty.optional(),
    rules: z.array(nonEmpty).optional(),
  }),
});

const paramSchema = z.strictObject({
  name: identifier,
  description: z.string().optional(),
  default: z.union([z.string(), z.number()]).optional().describe("absent: the param is required"),
  pattern: nonEmpty.optional().describe("a regular expression the whole value must match"),
  secret: z.boolean().optional().describe("never shown or logged; give it as NAME=@env:VARIABLE"),
});

const stepSchema = z.strictObject({
  name: nonEmpty,
  checks: z.array(checkSchema).optional().describe("before the step; a failure stops here"),
  run: runSpec.optional().describe("the step's command; absent for a step that only checks"),
  verify: z.array(checkSchema).optional().describe("checks after the step"),
  undo: runSpec.optional().describe("how to revert this step"),
  state: z.array(stateSchema).optional(),
  expect: expectSchema.optional(),
});

const procedureSchema = z.strictObject({
  description: z.string().optional(),
  // A procedure has no command line to read a target from: its params and variables say.
  environment: z
    .strictObject({
      param: identifier.optional().describe("the param whose value names the environment"),
      vars: oneOrMany.optional().describe("process variables whose value names it"),
    })
    .optional(),
  params: z.array(paramSchema).optional(),
  decision: z.union([decisionSchema, z.record(nonEmpty, decisionSchema)]).optional(),
  "require-reason": z.boolean().optional(),
  "on-failure": z.enum(["stop", "undo"]).optional(),
  lock: lockSchema.optional(),
  steps: z.array(stepSchema).min(1, "a procedure needs at least one step"),
});

export const policyFileSchema = z.strictObject({
  version: z.literal(1),
  environments: z.record(identifier, environmentSchema).optional(),
  "unknown-environment": z.enum(["protected", "deny"]).optional(),
  "unparsable-scripts": z.enum(["block", "no-match"]).optional(),
  rules: z.array(ruleSchema).optional(),
  tests: z.array(testSchema).optional(),
  lint: lintSchema.optional(),
  checks: z.record(identifier, namedCheckSchema).optional().describe("named checks"),
  procedures: z.record(identifier, procedureSchema).optional(),
  team: teamSchema.optional(),
});

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type RuleInput = z.infer<typeof ruleSchema>;
export type ProcedureInput = z.infer<typeof procedureSchema>;
