/** Checks in a policy: each kind compiles to its spec; every mistake is an error with its place. */
import { describe, expect, it } from "vitest";
import { policyFrom, problemsIn, yaml } from "../../test/helpers/policy-factory.js";

describe("checks in a policy", () => {
  it("compiles run, tls and http checks with their defaults", async () => {
    const policy = await policyFrom(yaml`
      version: 1
      rules:
        - id: migrate
          match: { command: psql }
          checks:
            - name: headroom
              run: [psql, -c, "select 1"]
              expect: { stdout: { equals: 1 }, number: { max: 0.8, warn: 0.5 } }
            - name: vault tls
              tls: { connect: "vault:8200", cert-file: /etc/tls.crt, min-days: 14 }
            - name: health
              http: { url: "https://vault:8200/v1/sys/health", bearer-env: VAULT_TOKEN }
              expect: { status: [200, 429], json: { path: sealed, equals: false }, latency-ms: { max: 500 } }
    `);
    const [run, tls, http] = policy.rules[0]!.checks;
    expect(run).toMatchObject({
      kind: "run",
      expectExit: 0,
      timeoutMs: 60_000,
      output: { text: { equals: "1" }, number: { max: 0.8, warn: 0.5 } },
    });
    expect(tls).toMatchObject({
      kind: "tls",
      connect: "vault:8200",
      certFile: "/etc/tls.crt",
      minDays: 14,
      checkHostname: true,
      timeoutMs: 10_000,
      readOnly: true,
    });
    expect(http).toMatchObject({
      kind: "http",
      method: "GET",
      status: [200, 429],
      bearerEnv: "VAULT_TOKEN",
      output: { json: { path: "sealed", equals: false } },
      latencyMs: { max: 500 },
    });
  });

  it("resolves use: NAME to the named check, from another file too, with the use's name and env", async () => {
    const { policyFromFiles } = await import("../../test/helpers/policy-factory.js");
    const policy = await policyFromFiles({
      "checks.yaml": yaml`
        version: 1
        checks:
          sequence-headroom:
            description: share of each sequence's range used
            run: [psql, -XAt, -c, "select 0.1"]
            env: { PGCONNECT_TIMEOUT: 5 }
            expect: { number: { max: 0.8 } }
      `,
      "rules.yaml": yaml`
        version: 1
        rules:
          - id: migrate
            match: { command: psql }
            args: { host: { flag: [-h] } }
            checks:
              - use: sequence-headroom
                env: { PGHOST: "{args.host}" }
            verify:
              - { use: sequence-headroom, name: headroom afterwards }
      `,
    });
    expect(Object.keys(policy.checks ?? {})).toEqual(["sequence-headroom"]);
    expect(policy.rules[0]!.checks[0]).toMatchObject({
      kind: "run",
      name: "sequence-headroom",
      env: { PGCONNECT_TIMEOUT: "5", PGHOST: "{args.host}" },
      source: { file: "rules.yaml", line: 7 },
    });
    expect(policy.rules[0]!.verify?.[0]).toMatchObject({ name: "headroom afterwards" });
  });

  it("survives the compiled-policy cache (plain JSON)", async () => {
    const policy = await policyFrom(yaml`
      version: 1
      checks:
        tls-ok: { tls: { connect: "a:1" } }
    `);
    expect(JSON.parse(JSON.stringify(policy))).toEqual(policy);
  });

  it.each([
    [
      "two kinds in one check",
      `rules: [{ id: r, match: { command: x }, checks: [{ name: c, run: [x], tls: { connect: "a:1" } }] }]`,
      /rules\[0\]\.checks\[0\]: a check has one kind, but this one has run and tls/,
    ],
    [
      "no kind",
      `rules: [{ id: r, match: { command: x }, checks: [{ name: c }] }]`,
      /a check needs one of run, tls, http or use/,
    ],
    [
      "an expectation of another kind",
      `rules: [{ id: r, match: { command: x }, checks: [{ name: c, run: [x], expect: { status: 200 } }] }]`,
      /expect\.status does not apply to a run check \(it takes exit, stdout, json, number\)/,
    ],
    [
      "warn on the wrong side of max",
      `checks: { c: { run: [x], expect: { number: { max: 0.8, warn: 0.9 } } } }`,
      /warn 0\.9 must be below max 0\.8, or it never warns before failing/,
    ],
    [
      "warn with both min and max",
      `checks: { c: { run: [x], expect: { number: { min: 1, max: 3, warn: 2 } } } }`,
      /unclear which side warn is on/,
    ],
    [
      "a regular expression that cannot compile",
      `checks: { c: { run: [x], expect: { stdout: { matches: "(" } } } }`,
      /checks\.c\.expect\.stdout\.matches: not a valid regular expression/,
    ],
    [
      "a clear-text token header",
      `checks: { c: { http: { url: "http://a", headers: { Authorization: "Bearer x" } } } }`,
      /unknown key 'headers'/,
    ],
    [
      "a rule check without a name",
      `rules: [{ id: r, match: { command: x }, checks: [{ run: [x] }] }]`,
      /checks\[0\]\.name: a check needs a name/,
    ],
    [
      "a use that sets what belongs on the named check",
      `checks: { c: { run: [x] } }\nrules: [{ id: r, match: { command: x }, checks: [{ use: c, timeout: 5 }] }]`,
      /'timeout' belongs on the named check 'c'; a use may set only name, env and retry-for/,
    ],
  ])("rejects %s", async (_what, body, message) => {
    const problems = await problemsIn(`version: 1\n${body}\n`);
    expect(problems.map((p) => p.message).join("\n")).toMatch(message);
  });

  it("rejects a use of a check nobody defined, with a suggestion and the place", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      checks:
        sequence-headroom: { run: [psql] }
      rules:
        - id: r
          match: { command: psql }
          checks:
            - use: sequence-headroomm
    `);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 8,
        message: "use: 'sequence-headroomm' names no check defined under the top-level checks:",
        hint: "did you mean 'sequence-headroom'?",
      }),
    ]);
  });

  it("rejects a named check defined twice, or named like a check command", async () => {
    const problems = await problemsIn({
      "a.yaml": "version: 1\nchecks:\n  headroom: { run: [x] }\n  tls: { run: [x] }\n",
      "b.yaml": "version: 1\nchecks:\n  headroom: { run: [y] }\n",
    });
    expect(problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      "a.yaml:4 a named check cannot be called 'tls': preflight check tls is a command",
      "b.yaml:3 check 'headroom' is defined twice",
    ]);
  });

  it("rejects a template in a rule's check that the rule cannot fill, in verify too", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      checks:
        served: { tls: { connect: "{target}:443" } }
      rules:
        - id: r
          match: { command: x }
          verify: [{ use: served }]
    `);
    expect(problems.map((p) => p.message)).toEqual([
      "rule 'r' uses {target}, which nothing provides",
    ]);
  });
});
