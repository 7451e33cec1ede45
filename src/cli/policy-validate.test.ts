import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliContext } from "../../test/helpers/cli-context.js";
import { yaml } from "../../test/helpers/policy-factory.js";
import { policyValidate } from "./policy-validate.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-validate-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return name;
}

async function validate(...paths: string[]) {
  const { ctx, out } = fakeCliContext(dir);
  const code = await policyValidate({ paths }, ctx);
  return { code, ...out };
}

describe("policy validate", () => {
  it("reports every schema and semantic problem at once, each at the exact key or value", async () => {
    write(
      "ops.yaml",
      yaml`
        version: 1
        environments:
          production: { protected: true, match: { target: ["prod-[eu"] } }
        rules:
          - id: fly-destroy
            match: { command: fly, args: [destroy-pipeline] }
            enviroment: { flag: -t }
          - id: bosh-delete
            match: { command: bosh, args: [delete-deployment] }
            decision: { prodution: deny, "*": confirm }
            checks:
              - name: deployment exists
                run: [bosh, -d, "{resource}", manifest]
          - id: bosh-delete
            match: { command: bosh, args: [deld] }
      `,
    );
    const { code, stderr, stdout } = await validate("ops.yaml");
    expect(code).toBe(65);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      [
        "ops.yaml:3:52: glob \"prod-[eu\" has '[' without ']'",
        "  hint: escape a literal character with '\\'",
        "ops.yaml:7:5: unknown key 'enviroment' in rules[0]",
        "  hint: did you mean 'environment'? Unknown keys are errors so that a typo cannot switch a guard off.",
        "ops.yaml:10:17: rule 'bosh-delete': decision names environment 'prodution', which is not defined",
        "  hint: did you mean 'production'?",
        "ops.yaml:13:25: rule 'bosh-delete' uses {resource}, which nothing provides",
        "  hint: add a resource: extractor (flag or position) to the rule",
        "ops.yaml:14:9: rule id 'bosh-delete' is used twice",
        "  hint: first used at ops.yaml:8:5",
        "ops.yaml: 5 problems",
        "",
      ].join("\n"),
    );
  });

  it("says a valid policy is valid and counts what is in it", async () => {
    write(
      "ok.yaml",
      yaml`
        version: 1
        environments: { production: { protected: true, match: { target: [prod] } } }
        rules:
          - { id: dropdb, match: { command: dropdb }, environment: { flag: -h }, decision: deny }
        tests:
          - { name: denied, command: [dropdb, x], expect: { decision: deny, rules: [dropdb] } }
      `,
    );
    expect(await validate("ok.yaml")).toEqual({
      code: 0,
      stdout: "ok.yaml: valid (1 rule, 1 environment, 1 test case)\n",
      stderr: "",
    });
  });

  it("checks each path as its own policy, and every one of them", async () => {
    const rule = "version: 1\nrules: [{ id: same, match: { command: fly } }]\n";
    write("a.yaml", rule);
    write("b.yaml", rule);
    write("c.yaml", "version: 2\n");
    const { code, stdout, stderr } = await validate("a.yaml", "b.yaml", "c.yaml");
    expect(code).toBe(65);
    expect(stdout).toBe(
      "a.yaml: valid (1 rule, 0 environments, 0 test cases)\nb.yaml: valid (1 rule, 0 environments, 0 test cases)\n",
    );
    expect(stderr).toContain(
      "c.yaml:1:10: `version:` is the policy format's version, and the only one is 1; you wrote 2",
    );
  });

  it("reads the test cases of NAME.test.yaml beside the policy and checks the rules they expect", async () => {
    write("ops.yaml", "version: 1\nrules: [{ id: dropdb, match: { command: dropdb } }]\n");
    write(
      "ops.test.yaml",
      yaml`
        version: 1
        tests:
          - name: dropping is guarded
            command: [dropdb, x]
            expect: { rules: [drop-db] }
      `,
    );
    const { code, stderr } = await validate("ops.yaml");
    expect(code).toBe(65);
    expect(stderr).toContain(
      "ops.test.yaml:5:23: test 'dropping is guarded' expects rule 'drop-db', which the policy does not define\n  hint: did you mean 'dropdb'?",
    );
  });

  it("refuses rules in a test file, where they would never guard a run", async () => {
    write("ops.yaml", "version: 1\n");
    write("ops.test.yaml", "version: 1\nrules: [{ id: x, match: { command: fly } }]\ntests: []\n");
    const { code, stderr } = await validate("ops.yaml");
    expect(code).toBe(65);
    expect(stderr).toContain(
      "ops.test.yaml:2:1: a test file holds only version and tests, not 'rules'",
    );
  });

  it("fails closed on a path that does not exist", async () => {
    const { code, stderr } = await validate("nowhere.yaml");
    expect(code).toBe(65);
    expect(stderr).toContain("nowhere.yaml:1:1: no policy file or folder here");
  });

  it("validates a folder as one policy, its files merged", async () => {
    write("team/a.yaml", "version: 1\nenvironments: { production: { protected: true } }\n");
    write(
      "team/b.yaml",
      "version: 1\nrules: [{ id: x, match: { command: fly }, decision: { production: deny } }]\n",
    );
    expect((await validate("team")).stdout).toBe(
      "team: valid (1 rule, 1 environment, 0 test cases)\n",
    );
  });
});
