import { beforeAll, describe, expect, it } from "vitest";
import { policyFrom, yaml } from "../../test/helpers/policy-factory.js";
import type { Policy } from "../policy/types.js";
import { decisionOf, type Evaluation, evaluateCommand } from "./evaluate.js";

const opsPolicy = yaml`
  version: 1
  environments:
    production:
      protected: true
      match:
        target: [prod, "prod-*"]
        vars: { AWS_PROFILE: "prod*" }
    staging:
      match:
        target: [stg]
        vars: { AWS_PROFILE: staging }
    lab:
      protected: true
      match: { target: [lab] }
  rules:
    - id: fly-destroy
      hint: pause the pipeline instead
      match: { command: fly, args: [destroy-pipeline] }
      environment: { flag: [-t, --target] }
      decision: { production: deny, "*": confirm }
    - id: fly-any
      match: { command: fly }
      environment: { flag: [-t, --target] }
    - id: kubectl-delete
      match: { command: kubectl, args: [delete] }
      environment: { flag: --context }
      decision: allow
    - id: aws-delete
      match: { command: aws, args: ["delete-*"] }
      decision: { production: deny, "*": allow }
    - id: bosh-delete
      match: { command: bosh, args: [delete-deployment] }
      environment: { flag: -e }
      require-reason: true
      decision: confirm
`;

let ops: Policy;
beforeAll(async () => {
  ops = await policyFrom(opsPolicy);
});

function evaluate(
  argv: string[],
  options: { vars?: Record<string, string>; intendedEnv?: string; policy?: Policy } = {},
): Evaluation {
  return evaluateCommand({
    policy: options.policy ?? ops,
    argv,
    vars: options.vars ?? {},
    ...(options.intendedEnv !== undefined && { intendedEnv: options.intendedEnv }),
  });
}

/** The verdict as an operator sees it: the decision and whether the run is blocked. */
function verdict(evaluation: Evaluation): {
  decision: string;
  blocked: boolean;
  environment?: string;
} {
  return {
    decision: evaluation.decision,
    blocked: evaluation.blocked !== undefined,
    ...(evaluation.environment && { environment: evaluation.environment.name }),
  };
}

describe("evaluateCommand decides with the strictest matching rule", () => {
  it("denies where one rule denies, listing every rule that applies", () => {
    const evaluation = evaluate(["fly", "-t", "prod", "destroy-pipeline", "-p", "main"]);
    expect(verdict(evaluation)).toEqual({
      decision: "deny",
      blocked: true,
      environment: "production",
    });
    expect(evaluation.rules.map((r) => r.id)).toEqual(["fly-destroy", "fly-any"]);
    expect(evaluation.matches[0]?.decidedBy.id).toBe("fly-destroy");
  });

  it("explains a denial with the rule, the environment and the rule's hint", () => {
    const { blocked } = evaluate(["fly", "-t", "prod", "destroy-pipeline"]);
    expect(blocked?.rule?.id).toBe("fly-destroy");
    expect(blocked?.reason).toContain(
      "rule 'fly-destroy' denies this in production (environment from argument -t 'prod')",
    );
    expect(blocked?.hint).toBe("pause the pipeline instead");
  });

  it("confirms where the strictest rule confirms and another allows", () => {
    const evaluation = evaluate(["fly", "-t", "stg", "destroy-pipeline"]);
    expect(verdict(evaluation)).toEqual({
      decision: "confirm",
      blocked: false,
      environment: "staging",
    });
    expect(evaluation.matches[0]?.decidedBy.id).toBe("fly-destroy");
  });

  it("looks the decision map up by name, then '*'", () => {
    expect(evaluate(["fly", "-t", "prod", "destroy-pipeline"]).decision).toBe("deny");
    expect(evaluate(["fly", "-t", "lab", "destroy-pipeline"]).decision).toBe("confirm");
  });

  it("confirms where protected and allows elsewhere when a rule has no decision map", () => {
    expect(evaluate(["fly", "-t", "prod", "pipelines"]).decision).toBe("confirm");
    expect(evaluate(["fly", "-t", "lab", "pipelines"]).decision).toBe("confirm");
    expect(evaluate(["fly", "-t", "stg", "pipelines"]).decision).toBe("allow");
  });

  it("decides 'none' when no rule matches, and does not block", () => {
    const evaluation = evaluate(["ls", "-la"]);
    expect(evaluation).toMatchObject({
      decision: "none",
      matches: [],
      rules: [],
      requireReason: false,
    });
    expect(evaluation.blocked).toBeUndefined();
    expect(evaluation.environment).toBeUndefined();
  });
});

describe("evaluateCommand never treats an unknown environment as safe", () => {
  it("confirms a rule that allows everywhere when the target is unknown", () => {
    expect(verdict(evaluate(["kubectl", "--context", "stg", "delete", "pod", "x"]))).toEqual({
      decision: "allow",
      blocked: false,
      environment: "staging",
    });
    expect(verdict(evaluate(["kubectl", "--context", "qa-cluster", "delete", "pod", "x"]))).toEqual(
      {
        decision: "confirm",
        blocked: false,
        environment: "qa-cluster",
      },
    );
  });

  it("confirms when nothing identifies the environment", () => {
    expect(verdict(evaluate(["aws", "s3api", "delete-bucket"]))).toEqual({
      decision: "confirm",
      blocked: false,
      environment: "unknown",
    });
  });

  it("denies an unknown environment when the policy says unknown-environment: deny", async () => {
    const strict = await policyFrom(`${opsPolicy}unknown-environment: deny\n`);
    const evaluation = evaluate(["kubectl", "--context", "qa-cluster", "delete", "pod", "x"], {
      policy: strict,
    });
    expect(evaluation.blocked?.reason).toContain("('qa-cluster')");
    expect(evaluation.blocked?.reason).toContain("denies unknown environments");
    expect(
      evaluate(["kubectl", "--context", "stg", "delete", "pod"], { policy: strict }).blocked,
    ).toBeUndefined();
  });

  it("keeps decisionOf at confirm or stricter for unknown environments", () => {
    const allowing = ops.rules.find((r) => r.id === "kubectl-delete")!;
    const unknown = {
      name: "qa",
      known: false,
      protected: true,
      color: "magenta",
      source: "argument --context",
    };
    expect(decisionOf(allowing, unknown)).toBe("confirm");
    // A decision map entry that happens to share the raw target's name must not apply.
    const named = { ...allowing, decision: { qa: "allow" as const, "*": "allow" as const } };
    expect(decisionOf(named, unknown)).toBe("confirm");
  });
});

describe("evaluateCommand sees through wrappers and scripts", () => {
  it("denies a destructive step inside sh -c", () => {
    const evaluation = evaluate(["sh", "-c", "echo hi && fly -t prod destroy-pipeline -p x"]);
    expect(verdict(evaluation)).toEqual({
      decision: "deny",
      blocked: true,
      environment: "production",
    });
    expect(evaluation.normalised.commands.map((c) => c.argv[0])).toEqual(["echo", "fly"]);
  });

  it("catches a command behind env VAR=x", () => {
    expect(
      verdict(evaluate(["env", "X=1", "fly", "-t", "prod", "destroy-pipeline"])),
    ).toMatchObject({
      decision: "deny",
      blocked: true,
    });
  });

  it("catches a command behind sudo and an absolute path", () => {
    expect(
      evaluate(["sudo", "/usr/local/bin/fly", "-t", "prod", "destroy-pipeline"]).decision,
    ).toBe("deny");
  });

  it("detects the environment from variables an env prefix sets", () => {
    expect(verdict(evaluate(["env", "AWS_PROFILE=prod", "aws", "s3api", "delete-bucket"]))).toEqual(
      {
        decision: "deny",
        blocked: true,
        environment: "production",
      },
    );
    expect(verdict(evaluate(["AWS_PROFILE=staging", "aws", "s3api", "delete-bucket"]))).toEqual({
      decision: "allow",
      blocked: false,
      environment: "staging",
    });
  });

  it("lets an env prefix override an inherited variable", () => {
    const evaluation = evaluate(["env", "AWS_PROFILE=staging", "aws", "s3api", "delete-bucket"], {
      vars: { AWS_PROFILE: "prod" },
    });
    expect(verdict(evaluation)).toMatchObject({ decision: "allow", environment: "staging" });
  });

  it("uses inherited variables, and forgets them after env -i", () => {
    const vars = { AWS_PROFILE: "prod" };
    expect(evaluate(["aws", "s3api", "delete-bucket"], { vars }).decision).toBe("deny");
    expect(verdict(evaluate(["env", "-i", "aws", "s3api", "delete-bucket"], { vars }))).toEqual({
      decision: "confirm",
      blocked: false,
      environment: "unknown",
    });
  });

  it("forgets a variable after env -u", () => {
    const vars = { AWS_PROFILE: "prod" };
    expect(
      evaluate(["env", "-u", "AWS_PROFILE", "aws", "s3api", "delete-bucket"], { vars }).environment
        ?.name,
    ).toBe("unknown");
  });

  it("sees variables a script exports for its later lines", () => {
    expect(
      evaluate(["sh", "-c", "export AWS_PROFILE=prod; aws s3api delete-bucket"]).decision,
    ).toBe("deny");
  });
});

describe("evaluateCommand blocks what it cannot see", () => {
  it("blocks an unparsable script by default", () => {
    const evaluation = evaluate(["sh", "-c", "fly $(echo x)"]);
    expect(evaluation.blocked?.reason).toContain("preflight cannot tell what this command runs");
    expect(evaluation.blocked?.hint).toContain("unparsable-scripts: no-match");
  });

  it("lets an unparsable script through with unparsable-scripts: no-match", async () => {
    const lenient = await policyFrom(`${opsPolicy}unparsable-scripts: no-match\n`);
    expect(evaluate(["sh", "-c", "fly $(echo x)"], { policy: lenient }).blocked).toBeUndefined();
  });

  it("blocks $VAR arguments to a program a rule guards", () => {
    const evaluation = evaluate(["sh", "-c", "fly -t $TARGET destroy-pipeline"]);
    expect(evaluation.blocked?.reason).toContain(
      "the arguments of 'fly' depend on shell variables",
    );
  });

  it("blocks $VAR arguments to a guarded program even when no rule matches the literal words", () => {
    const evaluation = evaluate(["sh", "-c", "fly $SUBCOMMAND -p main"]);
    expect(evaluation.blocked).toBeDefined();
  });

  it("lets $VAR arguments to an unguarded program through", () => {
    const evaluation = evaluate(["sh", "-c", "echo $HOME"]);
    expect(evaluation.blocked).toBeUndefined();
    expect(evaluation.decision).toBe("none");
  });

  it("blocks a program whose name is a variable", () => {
    expect(evaluate(["sh", "-c", "$TOOL -t prod destroy-pipeline"]).blocked?.reason).toContain(
      "only known at run time",
    );
  });

  it("blocks a script that touches two environments", () => {
    const evaluation = evaluate([
      "sh",
      "-c",
      "fly -t stg destroy-pipeline; fly -t lab destroy-pipeline",
    ]);
    expect(evaluation.blocked?.reason).toBe(
      "the command targets more than one environment (staging, lab)",
    );
    expect(evaluation.decision).toBe("confirm");
  });

  it("blocks a script that touches a known and an unknown environment", () => {
    const evaluation = evaluate(["sh", "-c", "fly -t stg pipelines && fly -t qa pipelines"]);
    expect(evaluation.blocked?.reason).toContain("more than one environment");
  });

  it("does not block a script that runs twice in one environment", () => {
    const evaluation = evaluate([
      "sh",
      "-c",
      "fly -t stg destroy-pipeline -p a; fly -t stg destroy-pipeline -p b",
    ]);
    expect(verdict(evaluation)).toEqual({
      decision: "confirm",
      blocked: false,
      environment: "staging",
    });
    expect(evaluation.matches).toHaveLength(2);
  });
});

describe("evaluateCommand with --env", () => {
  it("blocks --env naming an environment the policy does not define", () => {
    const evaluation = evaluate(["fly", "-t", "stg", "pipelines"], { intendedEnv: "prodution" });
    expect(evaluation.blocked?.reason).toBe(
      "--env prodution: the policy defines no environment of that name",
    );
    expect(evaluation.blocked?.hint).toBe("environments in the policy: production, staging, lab");
  });

  it("blocks --env that contradicts the command's own target", () => {
    const evaluation = evaluate(["fly", "-t", "prod", "pipelines"], { intendedEnv: "staging" });
    expect(evaluation.blocked?.reason).toContain("you said --env staging");
    expect(evaluation.blocked?.hint).toContain("--env production");
    expect(evaluation.rules.map((r) => r.id)).toEqual(["fly-any"]);
  });

  it("uses --env when the command names no environment", () => {
    const evaluation = evaluate(["aws", "s3api", "delete-bucket"], { intendedEnv: "staging" });
    expect(verdict(evaluation)).toEqual({
      decision: "allow",
      blocked: false,
      environment: "staging",
    });
    expect(evaluation.environment?.source).toBe("--env");
  });

  it("agrees with a command that targets the intended environment", () => {
    const evaluation = evaluate(["fly", "-t", "stg", "destroy-pipeline"], {
      intendedEnv: "staging",
    });
    expect(verdict(evaluation)).toEqual({
      decision: "confirm",
      blocked: false,
      environment: "staging",
    });
  });
});

describe("evaluateCommand and reasons", () => {
  it("requires a reason when a matching rule requires one", () => {
    expect(evaluate(["bosh", "-e", "stg", "delete-deployment", "-d", "cf"]).requireReason).toBe(
      true,
    );
  });

  it("requires no reason when no matching rule requires one", () => {
    expect(evaluate(["fly", "-t", "stg", "destroy-pipeline"]).requireReason).toBe(false);
    expect(evaluate(["bosh", "-e", "stg", "deployments"]).requireReason).toBe(false);
  });

  it("requires a reason when any step of a script needs one", () => {
    const evaluation = evaluate([
      "sh",
      "-c",
      "fly -t stg pipelines; bosh -e stg delete-deployment -d cf",
    ]);
    expect(evaluation.requireReason).toBe(true);
    expect(evaluation.rules.map((r) => r.id)).toEqual(["fly-any", "bosh-delete"]);
  });
});

describe("names that Object.prototype also has", () => {
  const denyEverywhere = yaml`
    version: 1
    environments:
      production: { protected: true, match: { target: [prod] } }
    rules:
      - id: danger
        match: { command: danger }
        decision: deny
      - id: no-map
        match: { command: careful }
  `;

  it.each(["toString", "constructor", "hasOwnProperty", "__proto__"])(
    "--env %s is an undefined environment, never an unprotected one",
    async (name) => {
      const policy = await policyFrom(denyEverywhere);
      const denied = evaluateCommand({ policy, argv: ["danger"], vars: {}, intendedEnv: name });
      expect(denied.blocked?.reason).toContain("defines no environment");
      const guarded = evaluateCommand({ policy, argv: ["careful"], vars: {}, intendedEnv: name });
      expect(guarded.blocked?.reason).toContain("defines no environment");
    },
  );

  it("a target named like a prototype member is unknown, so at least confirmed", async () => {
    const policy = await policyFrom(yaml`
      version: 1
      rules:
        - id: fly
          match: { command: fly }
          environment: { flag: [-t] }
          decision: { "*": allow }
    `);
    const evaluation = evaluateCommand({ policy, argv: ["fly", "-t", "constructor"], vars: {} });
    expect(evaluation.environment).toMatchObject({ name: "constructor", known: false });
    expect(evaluation.decision).toBe("confirm");
  });
});

describe("a guarded command behind a wrapper preflight does not know", () => {
  it("is judged as the command it would run, with that rule's decision", async () => {
    const policy = await policyFrom(opsPolicy);
    const prod = evaluateCommand({
      policy,
      argv: ["mywrapper", "--fast", "fly", "-t", "prod", "destroy-pipeline", "-p", "main"],
      vars: {},
    });
    expect(prod.decision).toBe("deny");
    expect(prod.blocked?.rule?.id).toBe("fly-destroy");
    expect(prod.matches[0]?.command.via).toEqual(["mywrapper"]);
    const staging = evaluateCommand({
      policy,
      argv: ["docker", "exec", "ci", "fly", "-t", "stg", "destroy-pipeline"],
      vars: {},
    });
    expect(staging.blocked).toBeUndefined();
    expect(staging.decision).toBe("confirm");
    expect(staging.environment?.name).toBe("staging");
  });

  it.each([
    ["echo", "fly", "-t", "prod", "destroy-pipeline"],
    ["man", "fly"],
    ["git", "rm", "-r", "fly"],
    ["ls", "-l", "/usr/local/bin/fly"],
    ["grep", "-rn", "fly -t prod", "."],
    ["apt-get", "install", "kubectl"],
  ])("lets %s … through: it does not run its arguments", async (...argv) => {
    const policy = await policyFrom(opsPolicy);
    const evaluation = evaluateCommand({ policy, argv, vars: {} });
    expect(evaluation.blocked).toBeUndefined();
    expect(evaluation.decision).toBe("none");
  });
});

describe("--env given as one of an environment's targets", () => {
  it("means that environment (`--env prod` is production)", async () => {
    const policy = await policyFrom(opsPolicy);
    const evaluation = evaluateCommand({
      policy,
      argv: ["fly", "-t", "prod", "destroy-pipeline"],
      vars: {},
      intendedEnv: "prod",
    });
    expect(evaluation.blocked?.reason).not.toContain("defines no environment");
    expect(evaluation.environment?.name).toBe("production");
    expect(evaluation.decision).toBe("deny");
  });
});

describe("a matching rule whose environment cannot be told", () => {
  it("is blocked with decision deny, not none, when the AWS account lookup fails", async () => {
    const policy = await policyFrom(yaml`
      version: 1
      environments:
        production: { protected: true, match: { aws-account: ["123456789012"] } }
      rules:
        - id: sg-revoke
          match: { command: aws, args: [ec2, revoke-security-group-ingress] }
          environment: { aws-account: true }
          decision: confirm
    `);
    const evaluation = evaluateCommand({
      policy,
      argv: ["aws", "ec2", "revoke-security-group-ingress", "--group-id", "sg-1"],
      vars: {},
      awsAccount: () => ({ error: "no usable AWS credentials" }),
    });
    expect(evaluation.blocked?.reason).toContain("no usable AWS credentials");
    expect(evaluation.decision).toBe("deny");
  });
});
