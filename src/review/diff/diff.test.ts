import { describe, expect, it } from "vitest";
import { yaml } from "../../../test/helpers/policy-factory.js";
import { loadForReview } from "../shared/load.js";
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

/** A policy text as `policy diff` loads one: compiled, with where each key is written. */
function side(text: string, file: string) {
  const review = loadForReview({
    name: file,
    files: [{ file, text }],
    testFiles: [],
    problems: [],
  });
  if (!review.policy) throw new Error(JSON.stringify(review.problems));
  return { ...review, policy: review.policy };
}

async function diff(oldText: string, newText: string, extra = "") {
  return diffPolicies({
    oldName: "old.yaml",
    newName: "new.yaml",
    old: side(oldText, "old.yaml"),
    new: side(newText, "new.yaml"),
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
    expect(result).toMatchObject({ sampledWeakenings: 4 });
    expect(result.structure.map((c) => [c.class, c.subject, c.text])).toEqual([
      ["weakening", "rule fly-destroy", 'production: deny → confirm (from "*")'],
      ["weakening", "rule fly-destroy", "check 'pipeline exists' removed"],
      ["weakening", "rule fly-destroy", "expect.removed: max 1 → 2"],
      ["weakening", "rule fly-destroy", 'expect.removed: only {"name":"{resource}"} removed'],
      ["tightening", "rule dropdb", 'staging: confirm (from "*") → deny (from "*")'],
    ]);
  });

  it("renders the structural changes first, with both sides' lines, then the sampled commands", async () => {
    const text = renderPolicyDiff(await diff(OLD, NEW));
    expect(text).toBe(
      [
        "policy diff old.yaml → new.yaml",
        "",
        "structural changes (5):",
        `  ✘ weakening: rule fly-destroy: production: deny → confirm (from "*")`,
        "      at old.yaml:11 → new.yaml:11",
        "  ✘ weakening: rule fly-destroy: check 'pipeline exists' removed",
        "      at old.yaml:13 → new.yaml:7",
        "  ✘ weakening: rule fly-destroy: expect.removed: max 1 → 2",
        "      at old.yaml:16 → new.yaml:14",
        `  ✘ weakening: rule fly-destroy: expect.removed: only {"name":"{resource}"} removed`,
        "      at old.yaml:16 → new.yaml:14",
        `  ✔ tightening: rule dropdb: staging: confirm (from "*") → deny (from "*")`,
        "      at old.yaml:20 → new.yaml:18",
        "",
        "sampled commands: 2 compared (2 from the two versions' test cases), 2 with a different outcome",
        "less guarded:",
        "  ✘ fly -t prod destroy-pipeline -p main",
        "      decision deny → confirm (rule fly-destroy)",
        "      check 'pipeline exists' (rule fly-destroy) no longer runs",
        "      expect.removed (rule fly-destroy): max 1 → 2",
        `      expect.removed (rule fly-destroy): only {"name":"{resource}"} removed`,
        "more guarded:",
        "  ✔ dropdb -h staging scratch",
        "      decision confirm → deny (rule dropdb)",
        "",
        "4 weakenings, 0 changes needing a human, 1 tightening, 0 neutral changes: this change may make some commands less guarded; it deserves a second reviewer",
        "",
      ].join("\n"),
    );
  });

  it("reports nothing, and no weakening, for the same policy", async () => {
    const result = await diff(OLD, OLD);
    expect(result).toMatchObject({ commands: [], structure: [], weakenings: 0, tightenings: 0 });
    expect(renderPolicyDiff(result)).toContain("no differences in meaning");
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
    expect(result.structure).toContainEqual(
      expect.objectContaining({
        class: "weakening",
        subject: "environment production",
        text: "protected true → false",
      }),
    );
  });

  it("flags policy-wide loosening: unknown environments, a removed rule, a removed target", async () => {
    const loosened = OLD.replace("unknown-environment: deny", "unknown-environment: protected")
      .replace("match: { target: [prod] }", "match: { target: [production] }")
      .replace(/ {2}- id: dropdb\n(?: {4}.*\n)+/, "");
    const result = await diff(OLD, loosened);
    expect(result.structure.map((c) => [c.class, c.subject, c.text])).toEqual([
      ["weakening", "policy", "unknown-environment deny → protected"],
      [
        "weakening",
        "environment production",
        "match.target no longer lists prod: such targets are no longer recognised as protected",
      ],
      ["weakening", "rule dropdb", "removed: dropdb is no longer guarded by it"],
      [
        "weakening",
        "rule fly-destroy",
        'unknown-environment: deny (unknown-environment: deny) → confirm (from "*")',
      ],
      ["tightening", "environment production", "match.target now lists production"],
    ]);
  });
});

describe("diffPolicies on renamed rules", () => {
  it("shows a removed id plus an added one with the same match as a rename, and compares both sides", async () => {
    const renamed = OLD.replace("id: fly-destroy", "id: fly-destroy-pipeline").replace(
      'decision: { production: deny, "*": confirm }',
      "decision: confirm",
    );
    const result = await diff(OLD, renamed);
    expect(result.structure.map((c) => [c.class, c.subject, c.text])).toEqual([
      ["weakening", "rule fly-destroy-pipeline", 'production: deny → confirm (from "*")'],
      [
        "neutral",
        "rule fly-destroy-pipeline",
        "renamed from 'fly-destroy' (same match); compared as one rule",
      ],
    ]);
  });
});

describe("diffPolicies on keys it has no classifier for", () => {
  it("lists a changed unknown key (a rule's, an environment's) as needing a human, never as no difference", async () => {
    const old = side(OLD, "old.yaml");
    const now = side(OLD, "new.yaml");
    const rule = now.policy.rules[0]! as unknown as Record<string, unknown>;
    rule.team = "payments";
    const env = now.policy.environments.production as unknown as Record<string, unknown>;
    env.urls = ["https://prod.example.com/*"];
    const result = diffPolicies({ oldName: "old", newName: "new", old, new: now, extra: [] });
    expect(result.structure.map((c) => [c.class, c.subject, c.text])).toEqual([
      [
        "needs-human",
        "rule fly-destroy",
        'team (absent) → "payments" (preflight does not know whether this loosens the policy)',
      ],
      ["tightening", "environment production", "match.urls now lists https://prod.example.com/*"],
    ]);
    expect(result.needsHuman).toBe(1);
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
