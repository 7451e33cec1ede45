/**
 * The schema of one check as an author writes it, in a rule's `checks:`/`verify:`, under the
 * top-level `checks:` map, or (later) in a procedure's steps. The kind is the key that holds
 * its target: `run: [...]`, `tls: { connect: … }`, `http: { url: … }`, or `use: NAME` for a
 * named check. `expect` takes the keys that make sense for that kind, and nothing else.
 *
 * Like schema.ts, this imports zod: only the loader and `preflight check` may import it.
 */
import { z } from "zod";
import { parseJsonPath } from "../checks/json-path.js";
import { parseHostPort } from "../checks/network.js";

const nonEmpty = z.string().min(1, "must not be empty");
const argvWord = z.union([z.string(), z.number(), z.boolean()]);
const runSpec = z.union([nonEmpty, z.array(argvWord).min(1, "an argv list needs a program")]);
const seconds = z.number().positive().max(86_400);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const variableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a variable name: letters, digits and '_'");
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "an HTTP header name");
const checkName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-'");

const textSchema = z
  .strictObject({
    // YAML reads `equals: 1` or `equals: true` as a number or a boolean; output is text.
    equals: argvWord.optional(),
    contains: argvWord.optional(),
    matches: nonEmpty.optional().describe("a regular expression (JavaScript syntax)"),
  })
  .refine((t) => Object.keys(t).length > 0, "give equals, contains or matches");

const numberSchema = z
  .strictObject({
    min: z.number().optional(),
    max: z.number().optional(),
    warn: z.number().optional().describe("warn past this value, on the side of min or max"),
  })
  .superRefine((n, ctx) => {
    if (n.min === undefined && n.max === undefined) {
      ctx.addIssue({ code: "custom", message: "give min, max or both" });
    }
    if (n.min !== undefined && n.max !== undefined && n.min > n.max) {
      ctx.addIssue({ code: "custom", message: `min ${n.min} is above max ${n.max}` });
    }
    if (n.warn === undefined) return;
    if (n.min !== undefined && n.max !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["warn"],
        message:
          "with both min and max, it is unclear which side warn is on: split it into two checks",
      });
    } else if (n.max !== undefined && n.warn >= n.max) {
      ctx.addIssue({
        code: "custom",
        path: ["warn"],
        message: `warn ${n.warn} must be below max ${n.max}, or it never warns before failing`,
      });
    } else if (n.min !== undefined && n.warn <= n.min) {
      ctx.addIssue({
        code: "custom",
        path: ["warn"],
        message: `warn ${n.warn} must be above min ${n.min}, or it never warns before failing`,
      });
    }
  });

const expectSchema = z.strictObject({
  exit: z.number().int().min(0).max(255).optional().describe("run: the exit status, default 0"),
  stdout: textSchema.optional().describe("run: the standard output, trimmed"),
  body: textSchema.optional().describe("http: the response body, trimmed"),
  json: z
    .strictObject({ path: nonEmpty, equals: scalar.optional() })
    .optional()
    .describe("the output read as JSON: the value at path (e.g. data.items[0].id)"),
  number: numberSchema.optional(),
  status: z
    .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599))])
    .optional()
    .describe("http: acceptable statuses, default any 2xx"),
  "latency-ms": z
    .strictObject({ max: z.number().positive().optional(), warn: z.number().positive().optional() })
    .optional()
    .describe("http: a ceiling on the time to the whole response"),
});

const tlsSchema = z.strictObject({
  connect: nonEmpty.describe("host:port"),
  servername: nonEmpty.optional().describe("SNI and the name to check; default the host"),
  "cert-file": nonEmpty.optional().describe("the certificate the server should be serving"),
  "ca-file": nonEmpty.optional().describe("verify the served chain against these CAs"),
  "min-days": z.number().min(0).optional().describe("fail when expiring within N days"),
  "warn-days": z.number().min(0).optional().describe("warn when expiring within N days"),
  "check-hostname": z.boolean().optional().describe("default true"),
});

const httpSchema = z.strictObject({
  url: nonEmpty,
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).optional(),
  "bearer-env": variableName.optional().describe("send Authorization: Bearer $VAR"),
  "headers-env": z
    .record(headerName, variableName)
    .optional()
    .describe("header → the variable holding its value"),
  "ca-file": nonEmpty.optional(),
});

const KINDS = ["run", "tls", "http", "use"] as const;
/** Which `expect` keys each kind reads. */
const EXPECT_KEYS: Record<(typeof KINDS)[number], readonly string[]> = {
  run: ["exit", "stdout", "json", "number"],
  http: ["status", "body", "json", "number", "latency-ms"],
  tls: [],
  use: [],
};

const checkObject = z.strictObject({
  name: nonEmpty.optional().describe("shown in the plan and the report"),
  description: z.string().optional(),
  use: checkName.optional().describe("a check defined under the top-level checks:"),
  run: runSpec.optional(),
  tls: tlsSchema.optional(),
  http: httpSchema.optional(),
  expect: expectSchema.optional(),
  env: z.record(variableName, argvWord).optional().describe("variables set for the check"),
  timeout: seconds.optional().describe("seconds; default 60 for run, 10 for tls and http"),
  "retry-for": seconds
    .optional()
    .describe("re-run a failing check for up to N seconds before believing it"),
  "read-only": z.boolean().optional().describe("false: plan must not run it"),
});

export type CheckInput = z.infer<typeof checkObject>;

/** The kind of a check input: the one of run/tls/http/use it has. */
export function kindOf(input: CheckInput): (typeof KINDS)[number] {
  return KINDS.find((k) => input[k] !== undefined) ?? "run";
}

function refineCheck(place: "rule" | "named") {
  return (input: CheckInput, ctx: z.RefinementCtx) => {
    const given = KINDS.filter((k) => input[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message:
          given.length === 0
            ? "a check needs one of run, tls, http or use"
            : `a check has one kind, but this one has ${given.join(" and ")}`,
      });
      return;
    }
    const kind = given[0]!;
    if (kind === "use") {
      if (place === "named") {
        ctx.addIssue({
          code: "custom",
          path: ["use"],
          message: "a named check cannot use another one; copy its definition",
        });
      }
      for (const key of ["expect", "timeout", "read-only", "description"] as const) {
        if (input[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `'${key}' belongs on the named check '${input.use}'; a use may set only name, env and retry-for`,
          });
        }
      }
      return;
    }
    if (place === "rule" && input.name === undefined) {
      ctx.addIssue({ code: "custom", path: ["name"], message: "a check needs a name" });
    }
    for (const key of Object.keys(input.expect ?? {})) {
      if (!EXPECT_KEYS[kind].includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["expect", key],
          message: `expect.${key} does not apply to a ${kind} check${EXPECT_KEYS[kind].length ? ` (it takes ${EXPECT_KEYS[kind].join(", ")})` : ""}`,
        });
      }
    }
    const connect = input.tls?.connect;
    if (connect !== undefined && !connect.includes("{")) {
      const parsed = parseHostPort(connect);
      if ("problem" in parsed) {
        ctx.addIssue({ code: "custom", path: ["tls", "connect"], message: parsed.problem });
      }
    }
    if (input.expect?.json) {
      try {
        parseJsonPath(input.expect.json.path);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          path: ["expect", "json", "path"],
          message: (error as Error).message,
        });
      }
    }
    for (const [at, pattern] of [
      ["stdout", input.expect?.stdout?.matches],
      ["body", input.expect?.body?.matches],
    ] as const) {
      if (pattern === undefined) continue;
      try {
        new RegExp(pattern);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          path: ["expect", at, "matches"],
          message: `not a valid regular expression: ${(error as Error).message}`,
        });
      }
    }
  };
}

/** A check in a rule's `checks:` or `verify:` list (or a procedure step's). */
export const ruleCheckSchema = checkObject.superRefine(refineCheck("rule"));

/** A check under the top-level `checks:` map; its key is its name. */
export const namedCheckSchema = checkObject.superRefine(refineCheck("named"));
