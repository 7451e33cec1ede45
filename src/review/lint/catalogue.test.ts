/**
 * One row per lint code: a policy that triggers it (at the position a reviewer should look)
 * and one that does not. A new code in the catalogue without a row here fails the last test.
 */
import { describe, expect, it } from "vitest";
import { yaml } from "../../../test/helpers/policy-factory.js";
import { loadForReview } from "../shared/load.js";
import { LINT_CHECKS } from "./catalogue.js";
import { lintPolicy } from "./run.js";

function review(text: string) {
  return loadForReview({
    name: "policy.yaml",
    files: [{ file: "policy.yaml", text }],
    testFiles: [],
    problems: [],
  });
}

function lint(text: string) {
  const loaded = review(text);
  expect(loaded.problems).toEqual([]);
  return lintPolicy({ ...loaded, policy: loaded.policy! });
}

interface Row {
  code: string;
  triggers: string;
  /** line:col of the finding. */
  at: string;
  message: RegExp;
  clean: string;
}

const ROWS: Row[] = [
  {
    code: "PF100",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: fly-destroy
          match: { command: fly, args: [destroy-pipeline] }
          decision: deny
          lint: { ignore: [{ code: PF110, reason: "every fly command is dangerous here" }] }
    `,
    at: "7:30",
    message: /suppression of PF110 suppresses nothing/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: fly-anything
          match: { command: fly }
          decision: deny
          lint: { ignore: [{ code: PF110, reason: "every fly command is dangerous here" }] }
    `,
  },
  {
    code: "PF101",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: dropdb
          match: { command: /usr/bin/dropdb }
          decision: deny
    `,
    at: "5:23",
    message: /programs are matched by their basename; write 'dropdb'/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: dropdb
          match: { command: dropdb }
          decision: deny
    `,
  },
  {
    code: "PF102",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: kubectl-delete
          match: { command: kubectl, args: [delete] }
          decision: deny
        - id: kubectl-delete-namespace
          match: { command: kubectl, args: [delete, "{namespace,ns}"] }
          decision: confirm
    `,
    at: "7:9",
    message: /'kubectl-delete-namespace' is fully shadowed by rule 'kubectl-delete'/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: kubectl-delete
          match: { command: kubectl, args: [delete] }
          decision: confirm
        - id: kubectl-delete-namespace
          match: { command: kubectl, args: [delete, "{namespace,ns}"] }
          decision: deny
    `,
  },
  {
    code: "PF103",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      environments:
        production: { protected: true, match: { target: [prod] } }
      rules:
        - id: dropdb
          match: { command: dropdb }
          environment: { flag: -h }
          decision: { production: allow, "*": deny }
    `,
    at: "9:17",
    message: /allows in protected environment 'production'/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      environments:
        production: { protected: true, match: { target: [prod] } }
      rules:
        - id: dropdb
          match: { command: dropdb }
          environment: { flag: -h }
          decision: deny
    `,
  },
  {
    code: "PF104",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      environments:
        production: { protected: true }
    `,
    at: "4:3",
    message:
      /protected environment 'production' has no match.target, match.vars or match.aws-account/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      environments:
        production: { protected: true, match: { target: [prod, "prod-*"] } }
    `,
  },
  {
    code: "PF105",
    triggers: yaml`
      version: 1
      rules:
        - id: dropdb
          match: { command: dropdb }
          decision: deny
    `,
    at: "1:1",
    message: /does not say what happens to a command whose environment cannot be identified/,
    clean: yaml`
      version: 1
      unknown-environment: protected
      rules:
        - id: dropdb
          match: { command: dropdb }
          decision: deny
    `,
  },
  {
    code: "PF106",
    triggers: yaml`
      version: 1
      unknown-environment: protected
      environments:
        production: { protected: true, match: { target: [prod] } }
      rules:
        - id: dropdb
          match: { command: dropdb }
          environment: { flag: -h }
          decision: { production: deny, "*": confirm }
    `,
    at: "2:22",
    message:
      /rule 'dropdb' denies in production, but a target preflight does not recognise only needs its name typed/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      environments:
        production: { protected: true, match: { target: [prod] } }
      rules:
        - id: dropdb
          match: { command: dropdb }
          environment: { flag: -h }
          decision: { production: deny, "*": confirm }
    `,
  },
  {
    code: "PF107",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: revoke
          match: { command: aws, args: [ec2, revoke-security-group-ingress] }
          decision: confirm
    `,
    at: "4:9",
    message:
      /rule 'revoke' \(revoke-security-group-ingress\) lets the command run somewhere but has no state or expect/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: revoke
          match: { command: aws, args: [ec2, revoke-security-group-ingress] }
          decision: confirm
          state:
            - { name: groups, run: [aws, ec2, describe-security-groups], key: [GroupId] }
          expect: { removed: none }
    `,
  },
  {
    code: "PF108",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: fly-destroy
          match: { command: fly, args: [destroy-pipeline] }
          decision: confirm
          rollback: { run: [./restore.sh] }
    `,
    at: "7:15",
    message: /has a rollback but no state: .* never runs/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: fly-destroy
          match: { command: fly, args: [destroy-pipeline] }
          decision: confirm
          state: [{ name: pipelines, run: [fly, pipelines, --json], key: [name] }]
          expect: { removed: { max: 1 } }
          rollback: { run: [./restore.sh] }
    `,
  },
  {
    code: "PF109",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: fly-destroy
          match: { command: fly, args: [destroy-pipeline] }
          environment: { flag: -t }
          decision: deny
          checks:
            - { name: reachable, run: "fly -t {target} status" }
    `,
    at: "9:33",
    message:
      /runs "fly -t \{target\} status" through sh -c, but it uses no shell syntax; write it as a list, \[fly, -t, \{target\}, status\]/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: fly-destroy
          match: { command: fly, args: [destroy-pipeline] }
          environment: { flag: -t }
          decision: deny
          checks:
            - { name: reachable, run: "fly -t {target} status | grep -q logged" }
    `,
  },
  {
    code: "PF110",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: kubectl
          match: { command: kubectl }
          decision: confirm
    `,
    at: "5:23",
    message: /matches every 'kubectl' command \(no args\)/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: kubectl
          match: { command: kubectl, args: [delete] }
          decision: deny
    `,
  },
  {
    code: "PF111",
    triggers: yaml`
      version: 1
      unknown-environment: deny
      environments:
        production: { protected: true, match: { target: [prod] } }
      rules:
        - id: dropdb
          match: { command: dropdb }
          decision: { production: deny, "*": deny }
    `,
    at: "8:17",
    message: /decides for 'production', but has no environment: extractor/,
    clean: yaml`
      version: 1
      unknown-environment: deny
      environments:
        production: { protected: true, match: { target: [prod], vars: { PGHOST: "*.prod.*" } } }
      rules:
        - id: dropdb
          match: { command: dropdb }
          decision: { production: deny, "*": deny }
    `,
  },
];

describe("every lint code", () => {
  it.each(ROWS)("$code is found where it applies", (row) => {
    const found = lint(row.triggers).filter((f) => f.code === row.code);
    expect(found).toHaveLength(1);
    const [finding] = found;
    expect(`${finding!.at.line}:${finding!.at.column}`).toBe(row.at);
    expect(finding!.message).toMatch(row.message);
    expect(finding!.severity).toBe(LINT_CHECKS.find((c) => c.code === row.code)!.severity);
  });

  it.each(ROWS)("$code stays quiet where it does not apply", (row) => {
    expect(lint(row.clean).map((f) => f.code)).not.toContain(row.code);
  });

  it("has a row for every code in the catalogue, each code once", () => {
    const codes = LINT_CHECKS.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(ROWS.map((r) => r.code).sort()).toEqual([...codes].sort());
  });
});

describe("PF101 sees through wrappers", () => {
  it("flags a rule on sudo whose first word is the program sudo runs", () => {
    const findings = lint(yaml`
      version: 1
      unknown-environment: deny
      rules:
        - { id: sudo-rm, match: { command: sudo, args: [rm, -rf] }, decision: deny }
    `);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining(
        "preflight looks through sudo and matches 'rm' itself; write command: rm",
      ),
    ]);
  });

  it("finds a program with a space in it, and a rule on sh -c, which can never match", () => {
    const findings = lint(yaml`
      version: 1
      unknown-environment: deny
      rules:
        - { id: aws-ec2, match: { command: "aws ec2" }, decision: deny }
        - { id: sh-c, match: { command: sh, args: [-c, "rm *"] }, decision: deny }
    `);
    expect(findings.filter((f) => f.code === "PF101").map((f) => f.message)).toEqual([
      expect.stringContaining("a program name has no spaces; write command: aws and args: [ec2]"),
      expect.stringContaining("preflight reads sh -c scripts and matches the commands in them"),
    ]);
  });

  it("leaves a rule on sudo's own options alone (sudo -i runs a shell)", () => {
    const findings = lint(yaml`
      version: 1
      unknown-environment: deny
      rules:
        - { id: sudo-shell, match: { command: sudo, args: [-i] }, decision: confirm }
    `);
    expect(findings.map((f) => f.code)).not.toContain("PF101");
  });
});

describe("suppressions", () => {
  const base = yaml`
    version: 1
    unknown-environment: deny
    rules:
      - id: kubectl
        match: { command: kubectl }
        decision: deny
  `;

  it("marks a finding suppressed on its own rule, with the reason", () => {
    const findings = lint(
      `${base}    lint: { ignore: [{ code: PF110, reason: "this cluster has only admins" }] }\n`,
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: "PF110",
        suppressed: { reason: "this cluster has only admins", at: expect.anything() },
      }),
    ]);
  });

  it("does not let a suppression on one rule cover another rule's finding", () => {
    const findings = lint(yaml`
      version: 1
      unknown-environment: deny
      rules:
        - id: git
          match: { command: git }
          decision: deny
          lint: { ignore: [{ code: PF110, reason: "we mean every git command" }] }
        - id: kubectl
          match: { command: kubectl }
          decision: deny
    `);
    const active = findings.filter((f) => !f.suppressed);
    expect(active.map((f) => [f.code, f.message.slice(0, 14)])).toEqual([
      ["PF110", "rule 'kubectl'"],
    ]);
  });

  it("rejects an unknown code at the code, suggesting the one meant", () => {
    const loaded = review(`${base}    lint: { ignore: [{ code: PF907, reason: "x" }] }\n`);
    expect(loaded.problems).toEqual([
      {
        file: "policy.yaml",
        line: 7,
        column: 30,
        message: "lint suppression names 'PF907', which is not a lint code",
        hint: expect.stringContaining("did you mean 'PF107'?"),
      },
    ]);
    expect(loaded.policy).toBeUndefined();
  });

  it("rejects a suppression without a reason", () => {
    const loaded = review(`${base}    lint: { ignore: [{ code: PF110 }] }\n`);
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        line: 7,
        column: 22,
        message:
          "rules[0].lint.ignore[0].reason: a lint suppression's `reason:` says, for the reviewer, why the finding does not apply here; it is missing",
      }),
    ]);
  });

  it("rejects a blank reason", () => {
    const loaded = review(`${base}    lint: { ignore: [{ code: PF110, reason: "  " }] }\n`);
    expect(loaded.problems.map((p) => p.message)).toEqual([
      expect.stringContaining("say why the finding does not apply here"),
    ]);
  });

  it("rejects a policy-wide code suppressed on a rule, saying where it belongs", () => {
    const loaded = review(`${base}    lint: { ignore: [{ code: PF105, reason: "x" }] }\n`);
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          "PF105 (unknown-environment-implicit) is about the policy as a whole",
        ),
        hint: "write the suppression at the top of the file the finding points at",
      }),
    ]);
  });

  it("refuses to suppress PF100 itself", () => {
    const loaded = review(`${base}    lint: { ignore: [{ code: PF100, reason: "x" }] }\n`);
    expect(loaded.problems.map((p) => p.message)).toEqual(["PF100 cannot be suppressed"]);
  });

  it("accepts policy-wide suppressions at the top of the file and environment ones on it", () => {
    const findings = lint(yaml`
      version: 1
      lint: { ignore: [{ code: PF105, reason: "the default, protected, is what we want" }] }
      environments:
        production:
          protected: true
          lint: { ignore: [{ code: PF104, reason: "only ever named by --env production" }] }
    `);
    expect(findings.map((f) => [f.code, Boolean(f.suppressed)])).toEqual([
      ["PF105", true],
      ["PF104", true],
    ]);
  });
});
