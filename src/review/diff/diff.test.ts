import { describe, expect, it } from "vitest";
import { policyFrom, yaml } from "../../../test/helpers/policy-factory.js";
import { parseCommandsFile } from "./commands.js";
import { diffPolicies } from "./diff.js";
import { renderPolicyDiff } from "./render.js";

const OLD = yaml`
  version: 1
  unknown-environment: deny
  environments:
    production: { protected: true, match: { target: [prod] } }
    staging: { protected: true, match: { target: [staging] } }
  rules:
    - id: fly-destroy
      match: { command: fly, args: [destroy-pipeline] }
      environment: { flag: -t }
      resource: { flag: -p }
      decision: { production: deny, "*": confirm }
      checks:
        - { name: pipeline exists, run: [fly, -t, "{target}", get-pipeline, -p, "{resource}"] }
      state:
        - { name: pipelines, run: [fly, -t, "{target}", pipelines, --json], key: [name] }
      expect: { removed: { max: 1, only: { name: "{resource}" } }, added: none }
    - id: dropdb
      match: { command: dropdb }
      environment: { flag: -h }
      decision: { production: deny, "*": confirm }
  tests:
    - { name: prod delete, command: [fly, -t, prod, destroy-pipeline, -p, main], expect: { decision: deny } }
    - { name: local drop, command: [dropdb, -h, staging, scratch], expect: { decision: confirm } }
`;

/** One weakening (a production delete now only confirmed, its check and limit gone), one tightening. */
const NEW = yaml`
  version: 1
  unknown-environment: deny
  environments:
    production: { protected: true, match: { target: [prod] } }
    staging: { protected: true, match: { target: [staging] } }
  rules:
    - id: fly-destroy
      match: { command: fly, args: [destroy-pipeline] }
      environment: { flag: -t }
      resource: { flag: -p }
      decision: confirm
      state:
        - { name: pipelines, run: [fly, -t, "{target}", pipelines, --json], key: [name] }
      expect: { removed: { max: 2 }, added: none }
    - id: dropdb
      match: { command: dropdb }
      environment: { flag: -h }
      decision: deny
  tests:
    - { name: prod delete, command: [fly, -t, prod, destroy-pipeline, -p, main], expect: { decision: confirm } }
    - { name: local drop, command: [dropdb, -h, staging, scratch], expect: { decision: deny } }
`;

async function diff(oldText: string, newText: string, extra = "") {
  return diffPolicies({
    oldName: "old.yaml",
    newName: "new.yaml",
    old: await policyFrom(oldText, "old.yaml"),
    new: await policyFrom(newText, "new.yaml"),
    extra: parseCommandsFile("commands.txt", extra).commands,
  });
}

describe("diffPolicies", () => {
  it("finds one command weakened and one tightened, each with the rule responsible", async () => {
    const result = await diff(OLD, NEW);
    expect(result.compared).toBe(2);
    expect(result.commands).toEqual([
      {
        command: expect.objectContaining({
          argv: ["fly", "-t", "prod", "destroy-pipeline", "-p", "main"],
        }),
        differences: [
          {
            direction: "weakening",
            field: "decision",
            text: "decision deny → confirm (rule fly-destroy)",
            rule: "fly-destroy",
          },
          {
            direction: "weakening",
            field: "check",
            text: "check 'pipeline exists' (rule fly-destroy) no longer runs",
            rule: "fly-destroy",
          },
          {
            direction: "weakening",
            field: "expectation",
            text: "expect.removed (rule fly-destroy): max 1 → 2",
            rule: "fly-destroy",
          },
          {
            direction: "weakening",
            field: "expectation",
            text: 'expect.removed (rule fly-destroy): only {"name":"{resource}"} removed',
            rule: "fly-destroy",
          },
        ],
      },
      {
        command: expect.objectContaining({ argv: ["dropdb", "-h", "staging", "scratch"] }),
        differences: [
          {
            direction: "tightening",
            field: "decision",
            text: "decision confirm → deny (rule dropdb)",
            rule: "dropdb",
          },
        ],
      },
    ]);
    expect(result).toMatchObject({ weakenings: 4, tightenings: 1, policy: [] });
  });

  it("renders weakenings apart from tightenings, and says a second reviewer is due", async () => {
    const text = renderPolicyDiff(await diff(OLD, NEW));
    expect(text).toBe(
      [
        "policy diff old.yaml → new.yaml",
        "2 commands compared (2 from the two versions' test cases)",
        "",
        "weakenings (4):",
        "  ✘ fly -t prod destroy-pipeline -p main",
        "      decision deny → confirm (rule fly-destroy)",
        "      check 'pipeline exists' (rule fly-destroy) no longer runs",
        "      expect.removed (rule fly-destroy): max 1 → 2",
        `      expect.removed (rule fly-destroy): only {"name":"{resource}"} removed`,
        "",
        "tightenings (1):",
        "  ✔ dropdb -h staging scratch",
        "      decision confirm → deny (rule dropdb)",
        "",
        "4 weakenings, 1 tightening: this change makes some commands less guarded; it deserves a second reviewer",
        "",
      ].join("\n"),
    );
  });

  it("reports nothing, and no weakening, for the same policy", async () => {
    const result = await diff(OLD, OLD);
    expect(result).toMatchObject({ commands: [], policy: [], weakenings: 0, tightenings: 0 });
    expect(renderPolicyDiff(result)).toContain(
      "no differences in what the policy does with these commands",
    );
  });

  it("compares the commands of a --commands file too, with their variables", async () => {
    const withVars = OLD.replace(
      "production: { protected: true, match: { target: [prod] } }",
      "production: { protected: true, match: { target: [prod], vars: { PGHOST: db.prod } } }",
    );
    const unprotected = withVars.replace(
      "production: { protected: true,",
      "production: { protected: false,",
    );
    const result = await diff(withVars, unprotected, "# extra\nPGHOST=db.prod dropdb payments\n");
    expect(result.extra).toBe(1);
    const extra = result.commands.find((c) => c.command.from === "commands.txt:2");
    expect(extra?.differences).toContainEqual(
      expect.objectContaining({
        direction: "weakening",
        field: "environment",
        text: "environment production (protected) → production (not protected)",
      }),
    );
    expect(result.policy).toContainEqual(
      expect.objectContaining({
        direction: "weakening",
        text: "environment 'production' is no longer protected",
      }),
    );
  });

  it("flags policy-wide loosening: unknown environments, a removed rule, a removed target", async () => {
    const loosened = OLD.replace("unknown-environment: deny", "unknown-environment: protected")
      .replace("match: { target: [prod] }", "match: { target: [production] }")
      .replace(/ {2}- id: dropdb\n(?: {4}.*\n)+/, "");
    const result = await diff(OLD, loosened);
    expect(result.policy.map((d) => [d.direction, d.text])).toEqual([
      [
        "weakening",
        `environment 'production' no longer matches target "prod": such targets become unknown`,
      ],
      ["tightening", `environment 'production' now also matches target "production"`],
      ["weakening", "unknown-environment deny → protected"],
      ["weakening", "rule 'dropdb' was removed (it was at old.yaml:17)"],
    ]);
  });
});

describe("diffPolicies on the guards of a change", () => {
  const weakenings = async (edit: (text: string) => string) =>
    (await diff(OLD, edit(OLD))).commands
      .flatMap((c) => c.differences)
      .filter((d) => d.direction === "weakening")
      .map((d) => d.text);

  it("counts a widened `only` and an edited check as weakenings, not mere changes", async () => {
    expect(
      await weakenings((t) => t.replace('only: { name: "{resource}" }', 'only: { name: "*" }')),
    ).toEqual([
      'expect.removed (rule fly-destroy): only {"name":"{resource}"} → {"name":"*"} (preflight cannot prove the new selector is not looser)',
    ]);
    expect(
      await weakenings((t) => t.replace("get-pipeline, -p", "get-pipeline, --team, main, -p")),
    ).toEqual([
      "check 'pipeline exists' (rule fly-destroy) was edited; preflight cannot prove the edit is not looser",
    ]);
  });

  it("counts a removed rollback as a weakening", async () => {
    const withRollback = (t: string) =>
      t.replace(
        "    expect: { removed: { max: 1",
        '    rollback: { run: [fly, -t, "{target}", set-pipeline] }\n    expect: { removed: { max: 1',
      );
    const result = await diff(withRollback(OLD), OLD);
    expect(
      result.commands.flatMap((c) => c.differences).map((d) => [d.direction, d.text]),
    ).toContainEqual(["weakening", "rollback 'rollback' (rule fly-destroy) no longer runs"]);
  });
});

describe("parseCommandsFile", () => {
  it("reads one command per line, quotes honoured, scripts kept whole", () => {
    const { commands, problems } = parseCommandsFile(
      "c.txt",
      `fly -t prod destroy-pipeline -p "my pipeline"\n\n# comment\ncd /tmp && rm -rf *\necho $(date)\n`,
    );
    expect(commands.map((c) => [c.argv, c.from])).toEqual([
      [["fly", "-t", "prod", "destroy-pipeline", "-p", "my pipeline"], "c.txt:1"],
      [["sh", "-c", "cd /tmp && rm -rf *"], "c.txt:4"],
    ]);
    expect(problems).toEqual([expect.objectContaining({ file: "c.txt", line: 5 })]);
  });
});
