import { describe, expect, it } from "vitest";
import {
  policyFrom,
  policyFromFiles,
  problemsIn,
  yaml,
} from "../../test/helpers/policy-factory.js";
import { PolicyError } from "../errors.js";
import { compilePolicyTexts } from "./load.js";

describe("compilePolicyTexts rejects an invalid policy, pointing at the text", () => {
  it("reports a YAML syntax error at its line and column", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly-destroy
          match: { command: fly, args: [destroy-pipeline }
    `);
    expect(problems[0]).toMatchObject({
      file: "policy.yaml",
      line: 4,
      column: 52,
      message: expect.stringContaining("YAML: Flow sequence"),
      hint: "check indentation and quoting",
    });
  });

  it("reports indentation with tabs on the line that has them", async () => {
    const problems = await problemsIn("version: 1\nenvironments:\n\tproduction: {}\n");
    expect(problems).toEqual([
      expect.objectContaining({ line: 3, column: 1, message: expect.stringContaining("Tabs") }),
    ]);
  });

  it("reports a key written twice in one map", async () => {
    const problems = await problemsIn("version: 1\nversion: 1\n");
    expect(problems).toEqual([
      expect.objectContaining({ line: 2, column: 1, hint: "each key may appear once in a map" }),
    ]);
  });

  it("points at a misspelt key and suggests the right one", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly-destroy
          match: { command: fly }
          enviroment: { flag: -t }
    `);
    expect(problems).toEqual([
      {
        file: "policy.yaml",
        line: 5,
        column: 5,
        message: "unknown key 'enviroment' in rules[0]",
        hint: expect.stringContaining("did you mean 'environment'?"),
      },
    ]);
  });

  it("points at a misspelt top-level key", async () => {
    const problems = await problemsIn("version: 1\nenviroments: {}\n");
    expect(problems).toEqual([
      expect.objectContaining({
        line: 2,
        column: 1,
        message: "unknown key 'enviroments'",
        hint: expect.stringContaining("did you mean 'environments'?"),
      }),
    ]);
  });

  it("points at a misspelt key inside an expectation", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly-destroy
          match: { command: fly }
          expect: { removed: { maxx: 1 } }
    `);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 5,
        column: 26,
        message: "unknown key 'maxx' in rules[0].expect.removed",
        hint: expect.stringContaining("did you mean 'max'?"),
      }),
    ]);
  });

  it("points at a value of the wrong type", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      environments:
        production:
          protected: "yes"
    `);
    expect(problems).toEqual([
      {
        file: "policy.yaml",
        line: 4,
        column: 16,
        message:
          'environments.production.protected: an environment\'s `protected:` is true or false; you wrote "yes"',
        hint: "write `protected: true` (true or false, no quotes)",
      },
    ]);
  });

  it("points at a value outside its enumeration and lists the allowed ones", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      environments:
        production: {}
      rules:
        - id: fly-destroy
          match: { command: fly }
          decision: { production: maybe }
    `);
    expect(problems).toEqual([
      {
        file: "policy.yaml",
        line: 7,
        column: 29,
        message:
          'rules[0].decision.production: a decision for one environment is allow, confirm or deny; you wrote "maybe"',
        hint: "write `production: deny`",
      },
    ]);
  });

  it("says what an expectation may be when it is none of them", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly-destroy
          match: { command: fly }
          expect: { removed: nothing }
    `);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 5,
        column: 24,
        message:
          'rules[0].expect.removed: `added:`, `removed:` and `changed:` are none, any, or a map with max, only and never; you wrote "nothing"',
      }),
    ]);
  });

  it("reports a missing required key at the map that lacks it", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly-destroy
    `);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: 5,
        message:
          "rules[0].match: a rule's `match:` says which commands it is about: a map with `command:` and, optionally, `args:`; it is missing",
        hint: "write `match: { command: fly, args: [destroy-pipeline] }`",
      }),
    ]);
  });

  it("rejects a rule id with spaces", async () => {
    const problems = await problemsIn(
      "version: 1\nrules:\n  - id: 'fly destroy'\n    match: { command: fly }\n",
    );
    expect(problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: 9,
        message: expect.stringContaining("rules[0].id"),
      }),
    ]);
  });

  it("points at the decision key that names an undefined environment and suggests the one meant", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      environments:
        production: { protected: true }
      rules:
        - id: fly-destroy
          match: { command: fly }
          decision: { prodution: deny }
    `);
    expect(problems).toEqual([
      {
        file: "policy.yaml",
        line: 7,
        column: 17,
        message: "rule 'fly-destroy': decision names environment 'prodution', which is not defined",
        hint: "did you mean 'production'?",
      },
    ]);
  });

  it("suggests '*' when a decision names an environment nothing resembles", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly-destroy
          match: { command: fly }
          decision: { elsewhere: deny }
    `);
    expect(problems).toEqual([expect.objectContaining({ hint: expect.stringContaining('"*"') })]);
  });

  it("reports a rule id used in two files at the second id, naming the first", async () => {
    const problems = await problemsIn({
      "a.yaml": yaml`
        version: 1
        rules:
          - id: destroy
            match: { command: fly }
      `,
      "b.yaml": yaml`
        version: 1

        rules:
          - id: destroy
            match: { command: bosh }
      `,
    });
    expect(problems).toEqual([
      {
        file: "b.yaml",
        line: 4,
        column: 9,
        message: "rule id 'destroy' is used twice",
        hint: "first used at a.yaml:3:5",
      },
    ]);
  });

  it("reports an environment defined in two files at the second one's name", async () => {
    const problems = await problemsIn({
      "a.yaml": yaml`
        version: 1
        environments:
          production:
            protected: true
      `,
      "b.yaml": yaml`
        version: 1
        environments:
          staging: {}
          production:
            protected: true
      `,
    });
    expect(problems).toEqual([
      {
        file: "b.yaml",
        line: 4,
        column: 3,
        message: "environment 'production' is defined twice",
        hint: "first defined at a.yaml:3:3",
      },
    ]);
  });

  it("reports {resource} at the argv word of a check that uses it without a resource extractor", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly-destroy
          match: { command: fly }
          checks:
            - name: pipeline exists
              run: [fly, get-pipeline, -p, "{resource}"]
    `);
    expect(problems).toEqual([
      {
        file: "policy.yaml",
        line: 7,
        column: 38,
        message: "rule 'fly-destroy' uses {resource}, which nothing provides",
        hint: "add a resource: extractor (flag or position) to the rule",
      },
    ]);
  });

  it("reports {target} in an expectation of a rule with no environment extractor", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly-destroy
          match: { command: fly }
          expect:
            removed: { only: { team: "{target}" } }
    `);
    expect(problems).toEqual([
      expect.objectContaining({
        message: "rule 'fly-destroy' uses {target}, which nothing provides",
        hint: expect.stringContaining("environment: extractor"),
      }),
    ]);
  });

  it("accepts {resource} once the rule has a resource extractor", async () => {
    const policy = await policyFrom(yaml`
      version: 1
      rules:
        - id: fly-destroy
          match: { command: fly }
          resource: { flag: -p }
          checks:
            - name: pipeline exists
              run: [fly, get-pipeline, -p, "{resource}"]
    `);
    expect(policy.rules[0]?.checks[0]).toMatchObject({
      kind: "run",
      run: ["fly", "get-pipeline", "-p", "{resource}"],
    });
  });

  it("reports a glob that cannot compile at the glob itself, quoting it", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly-destroy
          match: { command: fly, args: ["destroy-[pipeline"] }
    `);
    expect(problems).toEqual([
      {
        file: "policy.yaml",
        line: 4,
        column: 35,
        message: `glob "destroy-[pipeline" has '[' without ']'`,
        hint: "escape a literal character with '\\'",
      },
    ]);
  });

  it("reports a bad glob in an environment's targets at that target", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      environments:
        production:
          match: { target: ["prod-{eu,us"] }
    `);
    expect(problems).toEqual([
      expect.objectContaining({
        file: "policy.yaml",
        line: 4,
        column: 23,
        message: `glob "prod-{eu,us" has '{' without '}'`,
      }),
    ]);
  });

  it.each(["", "\n", "# only a comment\n"])("rejects an empty file (%j)", async (text) => {
    const problems = await problemsIn(text);
    expect(problems).toEqual([
      {
        file: "policy.yaml",
        line: 1,
        column: 1,
        message: "the policy file is empty",
        hint: "start it with `version: 1`",
      },
    ]);
  });

  it("rejects version 2 at its value", async () => {
    const problems = await problemsIn("version: 2\n");
    expect(problems).toEqual([
      expect.objectContaining({
        line: 1,
        column: 10,
        message: "`version:` is the policy format's version, and the only one is 1; you wrote 2",
      }),
    ]);
  });

  it("rejects a file with no version", async () => {
    const problems = await problemsIn("rules: []\n");
    expect(problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining("version") }),
    ]);
  });

  it("rejects a file that is not a map", async () => {
    const problems = await problemsIn("- fly\n");
    expect(problems).toEqual([
      expect.objectContaining({
        line: 1,
        column: 1,
        message:
          'a policy file is a map: `version: 1`, then rules, environments, checks, tests or procedures; you wrote a list: ["fly"]',
      }),
    ]);
  });

  it("reports every problem of a file at once", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      environments:
        production:
          protected: "yes"
      rules:
        - id: fly-destroy
          match: { command: fly }
          enviroment: { flag: -t }
          decision: { production: maybe }
    `);
    expect(problems.map((p) => `${p.line}:${p.column}`).sort()).toEqual(["4:16", "8:5", "9:29"]);
  });

  it("reports the problems of every file at once", async () => {
    const problems = await problemsIn({
      "a.yaml": "version: 2\n",
      "b.yaml": "version: 1\nrule: []\n",
    });
    expect(problems.map((p) => `${p.file}:${p.line}`)).toEqual(["a.yaml:1", "b.yaml:2"]);
  });

  it("reports every cross-file problem at once", async () => {
    const problems = await problemsIn({
      "a.yaml":
        "version: 1\nenvironments: { production: {} }\nrules:\n  - { id: destroy, match: { command: fly } }\n",
      "b.yaml":
        "version: 1\nenvironments: { production: {} }\nrules:\n  - { id: destroy, match: { command: fly }, decision: { prod: deny } }\n",
    });
    expect(problems.map((p) => p.message)).toEqual([
      "environment 'production' is defined twice",
      "rule id 'destroy' is used twice",
      "rule 'destroy': decision names environment 'prod', which is not defined",
    ]);
  });

  it("throws a PolicyError whose message lists each problem as file:line:col", async () => {
    const texts = [{ file: "ops.yaml", text: "version: 1\nrule: []\nenviroments: {}\n" }];
    const error = await compilePolicyTexts(texts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).message).toContain("2 problems in the policy");
    expect((error as PolicyError).message).toContain("ops.yaml:2:1: unknown key 'rule'");
    expect((error as PolicyError).message).toContain("ops.yaml:3:1: unknown key 'enviroments'");
  });
});

describe("compilePolicyTexts normalises a valid policy", () => {
  const opsPolicy = yaml`
    version: 1
    environments:
      production:
        protected: true
        match:
          target: [prod, "prod-*"]
          vars: { AWS_PROFILE: "prod*" }
      staging:
        match: { target: stg }
    rules:
      - id: fly-destroy
        match: { command: fly, args: [destroy-pipeline] }
        environment: { flag: [-t, --target] }
        resource: { flag: -p, position: 3, vars: PIPELINE }
        decision: deny
        checks:
          - name: pipeline exists
            run: [fly, -t, "{target}", get-pipeline, -p, "{resource}"]
        state:
          - name: pipelines
            run: fly -t {target} pipelines --json
            key: [name]
          - name: teams
            run: [fly, teams]
            format: lines
            timeout: 2.5
            read-only: false
        expect:
          removed: { max: 1, only: { name: "{resource}", paused: true, builds: 0 } }
          added: none
          unchanged: [{ team: main }]
        rollback: { run: [fly, set-pipeline], timeout: 30 }
  `;

  it("fills the defaults: exit 0, 60 s timeouts, read-only, json", async () => {
    const [rule] = (await policyFrom(opsPolicy)).rules;
    expect(rule?.checks[0]).toMatchObject({
      kind: "run",
      expectExit: 0,
      timeoutMs: 60_000,
      readOnly: true,
    });
    expect(rule?.state[0]).toMatchObject({
      format: "json",
      key: ["name"],
      timeoutMs: 60_000,
      readOnly: true,
    });
  });

  it("converts timeouts to milliseconds and keeps what the author set", async () => {
    const [rule] = (await policyFrom(opsPolicy)).rules;
    expect(rule?.state[1]).toMatchObject({
      format: "lines",
      key: ["line"],
      timeoutMs: 2_500,
      readOnly: false,
    });
    expect(rule?.rollback).toEqual({ run: ["fly", "set-pipeline"], timeoutMs: 30_000 });
  });

  it("turns a decision string into a map for every environment", async () => {
    const [rule] = (await policyFrom(opsPolicy)).rules;
    expect(rule?.decision).toEqual({ "*": "deny" });
  });

  it("leaves the decision out when the rule has none", async () => {
    const policy = await policyFrom("version: 1\nrules:\n  - { id: a, match: { command: fly } }\n");
    expect(policy.rules[0]?.decision).toBeUndefined();
  });

  it("makes one-or-many values lists", async () => {
    const [rule] = (await policyFrom(opsPolicy)).rules;
    expect(rule?.commands).toEqual(["fly"]);
    expect(rule?.environment).toEqual({ flags: ["-t", "--target"], vars: [] });
    expect(rule?.resource).toEqual({ flags: ["-p"], position: 3, vars: ["PIPELINE"] });
  });

  it("normalises environments: protected ones red, others unprotected and yellow", async () => {
    const { environments } = await policyFrom(opsPolicy);
    expect(environments.production).toMatchObject({
      name: "production",
      protected: true,
      color: "red",
      targets: ["prod", "prod-*"],
      vars: { AWS_PROFILE: "prod*" },
    });
    expect(environments.staging).toMatchObject({
      name: "staging",
      protected: false,
      color: "yellow",
      targets: ["stg"],
      vars: {},
    });
  });

  it("compiles expectations, selectors as strings, unset kinds as any", async () => {
    const [rule] = (await policyFrom(opsPolicy)).rules;
    expect(rule?.expect).toMatchObject({
      removed: { kind: "limit", max: 1, only: { name: "{resource}", paused: "true", builds: "0" } },
      added: { kind: "none" },
      changed: { kind: "any" },
      unchanged: [{ team: "main" }],
    });
  });

  it("records where each rule was written", async () => {
    const policy = await policyFrom(opsPolicy, "ops.yaml");
    expect(policy.rules[0]?.source).toEqual({ file: "ops.yaml", line: 11, column: 5 });
  });

  it("defaults the policy-wide settings to the strict ones", async () => {
    const policy = await policyFrom("version: 1\n");
    expect(policy).toMatchObject({
      environments: {},
      rules: [],
      tests: [],
      unknownEnvironment: "protected",
      unparsableScripts: "block",
    });
  });

  it("records the files and a hash of their contents", async () => {
    const a = await policyFromFiles({ "a.yaml": "version: 1\n" });
    const b = await policyFromFiles({ "a.yaml": "version: 1\n# edited\n" });
    expect(a.files).toEqual(["a.yaml"]);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha256).not.toBe(a.sha256);
  });

  it("round-trips through JSON unchanged, so it can be cached", async () => {
    const policy = await policyFrom(opsPolicy);
    expect(JSON.parse(JSON.stringify(policy))).toEqual(policy);
  });
});

describe("compilePolicyTexts merges several files", () => {
  const base = yaml`
    version: 1
    environments:
      production: { protected: true }
    rules:
      - { id: fly-destroy, match: { command: fly, args: [destroy-pipeline] } }
  `;
  const extra = yaml`
    version: 1
    environments:
      staging: {}
    rules:
      - { id: bosh-delete, match: { command: bosh }, decision: { production: deny, staging: confirm } }
  `;

  it("collects environments by name and appends rules in file order", async () => {
    const policy = await policyFromFiles({ "base.yaml": base, "extra.yaml": extra });
    expect(Object.keys(policy.environments).sort()).toEqual(["production", "staging"]);
    expect(policy.rules.map((r) => r.id)).toEqual(["fly-destroy", "bosh-delete"]);
    expect(policy.rules.map((r) => r.source.file)).toEqual(["base.yaml", "extra.yaml"]);
    expect(policy.files).toEqual(["base.yaml", "extra.yaml"]);
  });

  it("lets a rule in one file name an environment defined in another", async () => {
    const policy = await policyFromFiles({ "extra.yaml": extra, "base.yaml": base });
    expect(policy.rules[0]?.decision).toEqual({ production: "deny", staging: "confirm" });
  });

  it.each<[string, string, "protected" | "deny"]>([
    ["deny", "protected", "deny"],
    ["protected", "deny", "deny"],
    ["protected", "protected", "protected"],
  ])("takes the strictest unknown-environment (%s + %s → %s)", async (a, b, expected) => {
    const policy = await policyFromFiles({
      "a.yaml": `version: 1\nunknown-environment: ${a}\n`,
      "b.yaml": `version: 1\nunknown-environment: ${b}\n`,
    });
    expect(policy.unknownEnvironment).toBe(expected);
  });

  it("keeps unknown-environment deny when another file leaves it unset", async () => {
    const policy = await policyFromFiles({
      "a.yaml": "version: 1\n",
      "b.yaml": "version: 1\nunknown-environment: deny\n",
    });
    expect(policy.unknownEnvironment).toBe("deny");
  });

  it("lets unparsable scripts through only when every file says so", async () => {
    const all = await policyFromFiles({
      "a.yaml": "version: 1\nunparsable-scripts: no-match\n",
      "b.yaml": "version: 1\nunparsable-scripts: no-match\n",
    });
    const one = await policyFromFiles({
      "a.yaml": "version: 1\nunparsable-scripts: no-match\n",
      "b.yaml": "version: 1\n",
    });
    expect(all.unparsableScripts).toBe("no-match");
    expect(one.unparsableScripts).toBe("block");
  });
});

describe("globs in expectation selectors", () => {
  it("rejects one that cannot compile, at its value, and accepts {placeholders}", async () => {
    const text = yaml`
      version: 1
      rules:
        - id: x
          match: { command: fly, args: [destroy-pipeline] }
          resource: { flag: -p }
          state:
            - { name: p, run: [fly, pipelines, --json], key: [name] }
          expect:
            removed: { only: { name: "{resource}" }, never: { name: "{a" } }
    `;
    const error = await compilePolicyTexts([{ file: "p.yaml", text }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).problems.map((p) => [p.line, p.message])).toEqual([
      [9, `glob "{a" has '{' without '}'`],
    ]);
  });
});
