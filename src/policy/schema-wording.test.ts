/**
 * Schema errors in the policy's own words: each of the messages issue 13 quoted in the schema
 * library's language ("checks: expected record, got [...]" and the rest), fed through the
 * real loader, now says what the place holds, what was written, where, and what to write.
 */
import { describe, expect, it } from "vitest";
import { problemsIn, yaml } from "../../test/helpers/policy-factory.js";
import { formatProblem } from "../errors.js";

/** What zod says; none of it may reach an author. */
const LIBRARY_WORDS =
  /expected (record|array|object|string|boolean|number)|is not one of|nothing is not|got \[|got \{|Invalid input|Too small|Too big/;

describe("schema errors say what was expected in the policy's terms", () => {
  it("top-level checks written as a list (was: checks: expected record, got [...])", async () => {
    const [problem, ...rest] = await problemsIn(yaml`
      version: 1
      checks:
        - name: sequence-headroom
          run: [psql]
    `);
    expect(rest).toEqual([]);
    expect(formatProblem(problem!)).toBe(
      "policy.yaml:3:3: `checks:` at the top level is a map from a check's name to the check; " +
        'you wrote a list: [{"name":"sequence-headroom","run":["psql"]}]\n' +
        "  hint: write `checks: { sequence-headroom: { run: … } }`, each check under its own name (no dashes)",
    );
  });

  it("rules written as a map (was: rules: expected array, got {...})", async () => {
    const [problem, ...rest] = await problemsIn(yaml`
      version: 1
      rules:
        id: no-dropdb
        match: { command: dropdb }
    `);
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      file: "policy.yaml",
      line: 3,
      column: 3,
      message:
        '`rules:` is a list of rules, each starting with `- id:`; you wrote a map: {"id":"no-dropdb","match":{"command":"dropdb"}}',
      hint: "put each rule under `rules:` as `- id: …` (the dash makes it an entry of the list)",
    });
  });

  it("a missing version (was: version: nothing is not one of 1)", async () => {
    const problems = await problemsIn("rules: []\n");
    expect(problems).toEqual([
      {
        file: "policy.yaml",
        line: 1,
        column: 1,
        message: "`version:` is the policy format's version, and the only one is 1; it is missing",
        hint: "write `version: 1` at the top of the file",
      },
    ]);
  });

  it('a misspelt decision (was: "denied" is not one of "allow", "confirm", "deny")', async () => {
    const problems = await problemsIn(yaml`
      version: 1
      environments:
        production: { protected: true, match: { target: [prod] } }
      rules:
        - id: no-dropdb
          match: { command: dropdb }
          decision: { production: denied, "*": confirm }
        - id: no-dropuser
          match: { command: dropuser }
          decision: denied
    `);
    expect(problems).toEqual([
      {
        file: "policy.yaml",
        line: 7,
        column: 29,
        message:
          'rules[0].decision.production: a decision for one environment is allow, confirm or deny; you wrote "denied"',
        hint: "did you mean `deny`? write `production: deny`",
      },
      {
        file: "policy.yaml",
        line: 10,
        column: 15,
        message:
          "rules[1].decision: a `decision:` is allow, confirm or deny, or a map from an environment's name " +
          'to one of them; you wrote "denied"',
        hint: "did you mean `deny`? write `decision: deny`",
      },
    ]);
  });

  it("a yes where true or false belongs, and a colour that is not one", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      environments:
        production: { protected: "yes", color: redd }
    `);
    expect(problems.map((p) => [p.line, p.column, p.message, p.hint])).toEqual([
      [
        3,
        28,
        'environments.production.protected: an environment\'s `protected:` is true or false; you wrote "yes"',
        "write `protected: true` (true or false, no quotes)",
      ],
      [
        3,
        42,
        "environments.production.color: an environment's `color:` is one of red, yellow, green, blue, magenta, cyan, white, gray; " +
          'you wrote "redd"',
        "did you mean `red`? write `color: red`",
      ],
    ]);
  });

  it("a place the terms table does not name still speaks plainly, with the value", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: fly
          match: { command: fly }
          state:
            - name: pipelines
              run: [fly, pipelines]
              key: name
              timeout: 0
    `);
    expect(problems.map((p) => p.message)).toEqual([
      'rules[0].state[0].key: `key:` is a list; you wrote "name"',
      "rules[0].state[0].timeout: must be more than 0; you wrote 0",
    ]);
  });

  it("never uses the schema library's words, across a file of mistakes", async () => {
    const problems = await problemsIn(yaml`
      version: 2
      unknown-environment: maybe
      environments:
        production: [prod]
        staging: { match: { target: 7 } }
      checks:
        headroom: [psql]
      rules:
        - id: a
          match: { command: [] }
          decision: { production: allowed }
          checks: { a: 1 }
          expect: { removed: lots, added: [x] }
          rollback: sometimes
          require-reason: "no"
        - id: b
          match: { command: fly, args: destroy }
          state: {}
      tests:
        - command: fly destroy
          expect: { decision: maybe }
      procedures:
        switch: { steps: {} }
    `);
    expect(problems.length).toBeGreaterThan(12);
    for (const problem of problems) {
      expect(formatProblem(problem)).not.toMatch(LIBRARY_WORDS);
      expect(problem.line).toBeGreaterThan(0);
      expect(problem.message).toMatch(/you wrote|it is missing/);
    }
  });
});
