import { describe, expect, it } from "vitest";
import {
  environment,
  extractor,
  policy,
  policyFrom,
  rule,
  yaml,
} from "../../test/helpers/policy-factory.js";
import type { Rule } from "../policy/types.js";
import {
  type EnvironmentResolution,
  type ResolvedEnvironment,
  resolveEnvironment,
} from "./resolve.js";
import { environmentsForTarget, environmentsFromVars, extractValues } from "./signals.js";

const production = environment("production", {
  protected: true,
  targets: ["prod", "prod-*"],
  vars: { AWS_PROFILE: "prod*" },
});
const staging = environment("staging", {
  targets: ["stg"],
  vars: { AWS_PROFILE: "staging", AWS_REGION: "eu-*" },
});
const ops = policy({ environments: [production, staging] });

const fly = rule({
  id: "fly",
  commands: ["fly"],
  environment: extractor({ flags: ["-t", "--target"] }),
});
const bosh = rule({
  id: "bosh",
  commands: ["bosh"],
  environment: extractor({ flags: ["-e"], vars: ["BOSH_ENVIRONMENT"] }),
});
const cf = rule({ id: "cf", commands: ["cf"], environment: extractor({ position: 2 }) });
const aws = rule({ id: "aws", commands: ["aws"] });

function resolve(
  rules: Rule[],
  argv: string[],
  options: { vars?: Record<string, string>; intended?: string } = {},
): EnvironmentResolution {
  return resolveEnvironment({
    policy: ops,
    rules,
    argv,
    vars: options.vars ?? {},
    ...(options.intended !== undefined && { intended: options.intended }),
  });
}

/** The environment a resolution settled on; fails the test on a contradiction. */
function resolved(...args: Parameters<typeof resolve>): ResolvedEnvironment {
  const result = resolve(...args);
  if (!result.ok) throw new Error(`unexpected contradiction: ${result.contradiction}`);
  return result.environment;
}

function contradiction(...args: Parameters<typeof resolve>): {
  contradiction: string;
  hint: string;
} {
  const result = resolve(...args);
  if (result.ok) throw new Error(`expected a contradiction, got ${result.environment.name}`);
  return result;
}

describe("resolveEnvironment from the command's own target", () => {
  it("reads a flag followed by its value", () => {
    expect(resolved([fly], ["fly", "-t", "prod", "destroy-pipeline"])).toEqual({
      name: "production",
      known: true,
      protected: true,
      color: "red",
      source: "argument -t",
      target: "prod",
    });
  });

  it("reads --flag=value", () => {
    expect(resolved([fly], ["fly", "--target=stg", "destroy-pipeline"])).toMatchObject({
      name: "staging",
      known: true,
      protected: false,
      source: "argument --target",
      target: "stg",
    });
  });

  it("reads a position", () => {
    expect(resolved([cf], ["cf", "delete", "prod-eu"])).toMatchObject({
      name: "production",
      source: "argument 2",
      target: "prod-eu",
    });
  });

  it("reads a variable named by the extractor", () => {
    expect(
      resolved([bosh], ["bosh", "delete-deployment"], { vars: { BOSH_ENVIRONMENT: "stg" } }),
    ).toMatchObject({
      name: "staging",
      source: "variable BOSH_ENVIRONMENT",
      target: "stg",
    });
  });

  it("prefers the flag to the variable when the command gives both", () => {
    const env = resolved([bosh], ["bosh", "-e", "stg", "delete-deployment"], {
      vars: { BOSH_ENVIRONMENT: "prod" },
    });
    expect(env).toMatchObject({ name: "staging", source: "argument -e" });
  });

  it("ignores an empty variable", () => {
    expect(
      resolved([bosh], ["bosh", "delete-deployment"], { vars: { BOSH_ENVIRONMENT: "" } }),
    ).toMatchObject({
      name: "unknown",
      source: "none",
    });
  });

  it("matches a target against an environment's globs", () => {
    expect(resolved([fly], ["fly", "-t", "prod-eu-1"])).toMatchObject({
      name: "production",
      target: "prod-eu-1",
    });
    expect(resolved([fly], ["fly", "-t", "preprod"])).toMatchObject({
      name: "preprod",
      known: false,
    });
  });

  it("takes a target equal to an environment's own name as that environment", () => {
    expect(resolved([fly], ["fly", "-t", "staging"])).toMatchObject({
      name: "staging",
      known: true,
    });
  });

  it("takes the protected environment when two claim one target", () => {
    const both = policy({
      environments: [
        environment("shared-dev", { targets: ["shared"] }),
        environment("live", { protected: true, targets: ["shared"] }),
      ],
    });
    const result = resolveEnvironment({
      policy: both,
      rules: [fly],
      argv: ["fly", "-t", "shared"],
      vars: {},
    });
    expect(result).toMatchObject({ ok: true, environment: { name: "live", protected: true } });
  });

  it("treats an unknown target as a protected environment named by its raw value", () => {
    expect(resolved([fly], ["fly", "-t", "qa-7", "destroy-pipeline"])).toEqual({
      name: "qa-7",
      known: false,
      protected: true,
      color: "magenta",
      source: "argument -t",
      target: "qa-7",
    });
  });

  it("accepts the same environment named twice", () => {
    expect(resolved([fly], ["fly", "-t", "prod", "--target", "prod-eu"])).toMatchObject({
      name: "production",
    });
  });
});

describe("resolveEnvironment from variables", () => {
  it("detects an environment whose match.vars hold", () => {
    expect(resolved([aws], ["aws", "s3", "rb"], { vars: { AWS_PROFILE: "prod-admin" } })).toEqual({
      name: "production",
      known: true,
      protected: true,
      color: "red",
      source: "variable AWS_PROFILE",
    });
  });

  it("needs every variable of match.vars to match", () => {
    expect(resolved([aws], ["aws"], { vars: { AWS_PROFILE: "staging" } })).toMatchObject({
      name: "unknown",
    });
    expect(
      resolved([aws], ["aws"], { vars: { AWS_PROFILE: "staging", AWS_REGION: "us-east-1" } }),
    ).toMatchObject({
      name: "unknown",
    });
    expect(
      resolved([aws], ["aws"], { vars: { AWS_PROFILE: "staging", AWS_REGION: "eu-west-1" } }),
    ).toMatchObject({
      name: "staging",
      source: "variable AWS_PROFILE, AWS_REGION",
    });
  });

  it("uses variables only when the command names no target", () => {
    const env = resolved([fly], ["fly", "-t", "stg", "destroy-pipeline"], {
      vars: { AWS_PROFILE: "prod" },
    });
    expect(env).toMatchObject({ name: "staging", source: "argument -t" });
  });

  it("uses variables when the rule's extractor finds nothing", () => {
    expect(
      resolved([fly], ["fly", "destroy-pipeline"], { vars: { AWS_PROFILE: "prod" } }),
    ).toMatchObject({
      name: "production",
      source: "variable AWS_PROFILE",
    });
  });

  it("finds nothing when no rule names a target and no variables match", () => {
    expect(resolved([aws], ["aws", "s3", "rb"], { vars: { AWS_PROFILE: "dev" } })).toEqual({
      name: "unknown",
      known: false,
      protected: true,
      color: "magenta",
      source: "none",
    });
  });
});

describe("resolveEnvironment contradictions", () => {
  it("refuses a command that names two environments", () => {
    const result = contradiction([fly], ["fly", "-t", "prod", "--target", "stg"]);
    expect(result.contradiction).toContain("more than one environment");
    expect(result.contradiction).toContain("production (argument -t 'prod')");
    expect(result.contradiction).toContain("staging (argument --target 'stg')");
  });

  it("refuses a known and an unknown target together", () => {
    const result = contradiction([fly], ["fly", "-t", "prod", "-t", "qa"]);
    expect(result.contradiction).toContain("an unknown environment 'qa'");
  });

  it("refuses two rules reading two different targets", () => {
    const team = rule({
      id: "team",
      commands: ["fly"],
      environment: extractor({ flags: ["--team"] }),
    });
    expect(
      contradiction([fly, team], ["fly", "-t", "prod", "--team", "stg"]).contradiction,
    ).toContain("more than one environment");
  });

  it("refuses variables that match two environments", () => {
    const overlapping = policy({
      environments: [
        environment("a", { vars: { CLUSTER: "x*" } }),
        environment("b", { vars: { CLUSTER: "*y" } }),
      ],
    });
    const result = resolveEnvironment({
      policy: overlapping,
      rules: [aws],
      argv: ["aws"],
      vars: { CLUSTER: "xy" },
    });
    expect(result.ok).toBe(false);
  });

  it("refuses --env that disagrees with the command, with a hint", () => {
    const result = contradiction([fly], ["fly", "-t", "prod", "destroy-pipeline"], {
      intended: "staging",
    });
    expect(result.contradiction).toBe(
      "you said --env staging, but the command targets production (argument -t 'prod')",
    );
    expect(result.hint).toContain("if you meant production, say --env production");
  });

  it("refuses --env when the command targets an unknown environment, suggesting the policy change", () => {
    const result = contradiction([fly], ["fly", "-t", "qa-7"], { intended: "staging" });
    expect(result.hint).toContain("add it to environments.staging.match.target");
  });

  it("refuses --env that disagrees with the variables", () => {
    const result = contradiction([aws], ["aws"], {
      vars: { AWS_PROFILE: "prod" },
      intended: "staging",
    });
    expect(result.contradiction).toContain("production (variable AWS_PROFILE)");
  });
});

describe("resolveEnvironment with --env", () => {
  it("agrees with a command that targets the same environment", () => {
    expect(resolved([fly], ["fly", "-t", "prod"], { intended: "production" })).toMatchObject({
      name: "production",
      source: "argument -t",
    });
  });

  it("supplies the environment when nothing is detected", () => {
    expect(resolved([aws], ["aws", "s3", "rb"], { intended: "staging" })).toEqual({
      name: "staging",
      known: true,
      protected: false,
      color: "yellow",
      source: "--env",
    });
  });
});

describe("signals", () => {
  it("extractValues reads -tVALUE for single-letter flags", () => {
    expect(extractValues(extractor({ flags: ["-t"] }), ["fly", "-tprod"], {})).toEqual([
      { value: "prod", source: "argument -t" },
    ]);
  });

  it("extractValues stops at the first place that gives a value", () => {
    const all = extractor({ flags: ["-e"], position: 1, vars: ["BOSH_ENVIRONMENT"] });
    expect(extractValues(all, ["bosh", "x"], { BOSH_ENVIRONMENT: "stg" })).toEqual([
      { value: "x", source: "argument 1" },
    ]);
    expect(extractValues(all, ["bosh"], { BOSH_ENVIRONMENT: "stg" })).toEqual([
      { value: "stg", source: "variable BOSH_ENVIRONMENT" },
    ]);
  });

  it("environmentsForTarget matches names and globs", () => {
    expect(environmentsForTarget(ops, "prod-1").map((e) => e.name)).toEqual(["production"]);
    expect(environmentsForTarget(ops, "production").map((e) => e.name)).toEqual(["production"]);
    expect(environmentsForTarget(ops, "qa")).toEqual([]);
  });

  it("environmentsFromVars skips environments without match.vars", () => {
    const p = policy({ environments: [environment("dev")] });
    expect(environmentsFromVars(p, {})).toEqual([]);
  });
});

describe("case", () => {
  it("treats DB.PROD.INTERNAL and PROD as the production targets they are", async () => {
    const policy = await policyFrom(yaml`
      version: 1
      environments:
        production: { protected: true, match: { target: [prod, "*.prod.*"], vars: { AWS_PROFILE: prod } } }
      rules:
        - id: r
          match: { command: dropdb }
          environment: { flag: [-h] }
    `);
    for (const host of ["DB.PROD.INTERNAL", "PROD", "Production"]) {
      const resolution = resolveEnvironment({
        policy,
        rules: policy.rules,
        argv: ["dropdb", "-h", host],
        vars: {},
      });
      expect(resolution.ok && resolution.environment.name).toBe("production");
    }
    const byVar = resolveEnvironment({
      policy,
      rules: [],
      argv: ["dropdb"],
      vars: { AWS_PROFILE: "PROD" },
    });
    expect(byVar.ok && byVar.environment.name).toBe("production");
  });
});

describe("ground truth from a target resolver", () => {
  const truthPolicy = async () =>
    policyFrom(yaml`
      version: 1
      environments:
        production: { protected: true, match: { target: [prod], url: ["https://ci.prod.*"] } }
        development: { match: { target: [dev], url: ["https://ci.dev.*"] } }
      rules:
        - id: r
          match: { command: fly }
          environment: { target: fly }
    `);
  const reading =
    (url: string | undefined, alias = "dev", problem?: string) =>
    () => ({
      tool: "fly" as const,
      alias: { value: alias, source: "fly target from argument -t" },
      truth: url ? { url } : {},
      where: url ?? "",
      files: ["/home/op/.flyrc"],
      ...(problem && { problem }),
    });

  it("lets the truth win over the name, keeping the name's environment beside it", async () => {
    const p = await truthPolicy();
    const result = resolveEnvironment({
      policy: p,
      rules: p.rules,
      argv: ["fly", "-t", "dev"],
      vars: {},
      readTarget: reading("https://ci.prod.example.com"),
    });
    expect(result).toMatchObject({
      ok: true,
      environment: {
        name: "production",
        protected: true,
        source: "fly url",
        target: "https://ci.prod.example.com",
        alias: { name: "development", known: true, target: "dev" },
        note: "the name `dev` (fly target from argument -t) says development, but it points at https://ci.prod.example.com — production",
      },
    });
  });

  it("is as protected as the name when the truth is the weaker of the two", async () => {
    const p = await truthPolicy();
    const result = resolveEnvironment({
      policy: p,
      rules: p.rules,
      argv: ["fly", "-t", "prod"],
      vars: {},
      readTarget: reading("https://ci.dev.example.com", "prod"),
    });
    expect(result.ok && result.environment).toMatchObject({
      name: "development",
      protected: true,
      alias: { name: "production" },
    });
  });

  it("is unknown when the configuration cannot be read, keeping the name", async () => {
    const p = await truthPolicy();
    const result = resolveEnvironment({
      policy: p,
      rules: p.rules,
      argv: ["fly", "-t", "prod"],
      vars: {},
      readTarget: reading(undefined, "prod", "~/.flyrc line 3: not valid YAML"),
    });
    expect(result.ok && result.environment).toMatchObject({
      name: "unknown",
      known: false,
      truth: { problem: "~/.flyrc line 3: not valid YAML" },
      alias: { name: "production" },
    });
  });

  it("lets the names decide when no environment claims the truth", async () => {
    const p = await truthPolicy();
    const result = resolveEnvironment({
      policy: p,
      rules: p.rules,
      argv: ["fly", "-t", "dev"],
      vars: {},
      readTarget: reading("https://ci.elsewhere.example.com"),
    });
    expect(result.ok && result.environment).toMatchObject({
      name: "development",
      truth: { values: { url: "https://ci.elsewhere.example.com" } },
    });
    expect(result.ok && result.environment.alias).toBeUndefined();
  });

  it("refuses --env that disagrees with the truth", async () => {
    const p = await truthPolicy();
    const result = resolveEnvironment({
      policy: p,
      rules: p.rules,
      argv: ["fly", "-t", "dev"],
      vars: {},
      intended: "development",
      readTarget: reading("https://ci.prod.example.com"),
    });
    expect(result.ok).toBe(false);
  });
});
