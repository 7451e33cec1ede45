import { describe, expect, it } from "vitest";
import {
  applyTextRules,
  isIsoTimestamp,
  isRedactedCopy,
  isSecretName,
  learnSecrets,
  mayBeSecretName,
  mayHoldSecret,
  REDACTED,
  redactArgv,
  redactDeep,
  redactOutput,
  redactText,
} from "./redact.js";

describe("isSecretName", () => {
  it.each([
    "PASSWORD",
    "PGPASSWORD",
    "db_pass",
    "passwd",
    "DB_PWD",
    "SECRET",
    "client_secret",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "GITHUB_TOKEN",
    "api-key",
    "apikey",
    "x-api-key",
    "apiKey",
    "private_key",
    "access-key",
    "credential",
    "credentials",
    "auth",
    "Authorization",
    "session-token",
    "--token",
    "--api-key",
    "-storepass",
    "SecretAccessKey",
    // One of each word and stem, so the quick pre-test in front of the word split (a name
    // with none of pass/pwd/auth/cookie/cred/jwt/signature/secret/token/key) hides none.
    "Cookie",
    "JWT",
    "X-Signature",
    "creds",
    "passphrase",
    "SIGNING_KEY",
    "license_key",
    "master-key",
    "encryption_key",
    "storage_key",
    "shared_key",
    "subscription-key",
    "account_key",
    "client_key",
    "privatekey",
    "accesskey",
    "secretkey",
    "mypass",
  ])("%s is secret", (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AccessKeyId",
    "KEY_ID",
    "key",
    "--key",
    "PWD",
    "OLDPWD",
    "author",
    "--profile",
    "-p",
    "--no-password",
    "--password-stdin",
    "--password-file",
    "--secret-id",
    "AUTH_URL",
    "--bypass-checks",
    "compass",
    "USER",
    "",
  ])("%s is not secret", (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe("redactArgv", () => {
  it.each<[string[], string[]]>([
    [
      ["psql", "--password=hunter2", "db"],
      ["psql", "--password=***", "db"],
    ],
    [
      ["tool", "--password", "hunter2", "db"],
      ["tool", "--password", "***", "db"],
    ],
    [
      ["gh", "--token", "ghp_abc", "api"],
      ["gh", "--token", "***", "api"],
    ],
    [
      ["x", "--api-key=k 1 2"],
      ["x", "--api-key=***"],
    ],
    [
      ["PGPASSWORD=hunter2", "psql"],
      ["PGPASSWORD=***", "psql"],
    ],
    [
      ["env", "GITHUB_TOKEN=has spaces", "gh"],
      ["env", "GITHUB_TOKEN=***", "gh"],
    ],
    [
      ["psql", "postgres://admin:pw@db.prod:5432/app"],
      ["psql", "postgres://admin:***@db.prod:5432/app"],
    ],
    [
      ["pg_dump", "--dbname=postgres://u:p%40ss@h/db"],
      ["pg_dump", "--dbname=postgres://u:***@h/db"],
    ],
    [
      ["docker", "run", "-e", "DB_PASSWORD=x", "--env=API_TOKEN=y z", "img"],
      ["docker", "run", "-e", "DB_PASSWORD=***", "--env=API_TOKEN=***", "img"],
    ],
    [
      ["sh", "-c", "PGPASSWORD=s3cret psql -h prod && curl --token abc https://x"],
      ["sh", "-c", "PGPASSWORD=*** psql -h prod && curl --token *** https://x"],
    ],
    [
      ["bash", "-ec", "PGPASSWORD='a b' psql -h prod"],
      ["bash", "-ec", "PGPASSWORD='***' psql -h prod"],
    ],
    [
      ["curl", "-H", "Authorization: Bearer eyJhbGciOi.xyz", "https://api"],
      ["curl", "-H", "Authorization: Bearer ***", "https://api"],
    ],
    [
      ["tool", "-c", "--password", "x"],
      ["tool", "-c", "--password", "***"],
    ],
    // mysql's --password takes no separate value: the next long option is left alone.
    [
      ["mysql", "--password", "--host=prod"],
      ["mysql", "--password", "--host=prod"],
    ],
  ])("%j", (argv, expected) => {
    expect(redactArgv(argv)).toEqual(expected);
  });

  it.each<[string[]]>([
    [["fly", "-t", "prod", "destroy-pipeline", "-p", "main"]],
    [["aws", "--profile", "prod", "s3", "ls"]],
    [["env", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "aws", "sts", "get-caller-identity"]],
    [["aws", "s3api", "get-object", "--key", "reports/2026.csv", "out.csv"]],
    [["psql", "--no-password", "appdb"]],
    [["curl", "https://example.com:8443/path?q=1"]],
    [["sh", "-c", "echo hello && ls -la"]],
  ])("leaves %j alone", (argv) => {
    expect(redactArgv(argv)).toEqual(argv);
  });

  it("does not change its input", () => {
    const argv = ["--password", "x"];
    redactArgv(argv);
    expect(argv).toEqual(["--password", "x"]);
  });
});

describe("redactText", () => {
  it.each([
    ["export PGPASSWORD=hunter2; psql", "export PGPASSWORD=***; psql"],
    ["password = 'a b c'", "password = '***'"],
    ["DB_PASSWORD: hunter2", "DB_PASSWORD: ***"],
    ["X-Api-Key: abc123", "X-Api-Key: ***"],
    ["run --token abc --verbose", "run --token *** --verbose"],
    ['run --token="a b"', 'run --token="***"'],
    ['{"user":"bob","password":"hunter2"}', '{"user":"bob","password":"***"}'],
    ["{'api_key': 'k'}", "{'api_key': '***'}"],
    ["connect redis://:pw@cache:6379/0 ok", "connect redis://:***@cache:6379/0 ok"],
    ["Authorization: Bearer abc.def.ghi", "Authorization: Bearer ***"],
    ["authorization: token ghp_1234", "authorization: token ***"],
    ["Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic ***"],
    ["sent Basic dXNlcjpwYXNz upstream", "sent Basic *** upstream"],
    ["sent Bearer eyJhbGciOiJIUzI1NiJ9", "sent Bearer ***"],
    [
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----",
      "-----BEGIN RSA PRIVATE KEY-----\n***\n-----END RSA PRIVATE KEY-----",
    ],
  ])("%j", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    "ERROR: password authentication failed for user app",
    "fly -t prod destroy-pipeline -p main",
    "AWS_PROFILE=prod AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "Basic checks passed; Bearer Information",
    "see https://example.com:8443/a@b",
    "PWD=/home/ops",
  ])("leaves %j alone", (input) => {
    expect(redactText(input)).toBe(input);
  });

  it("is idempotent", () => {
    const once = redactText("PGPASSWORD=x postgres://u:p@h/db --token t");
    expect(redactText(once)).toBe(once);
  });
});

describe("redactDeep", () => {
  it("masks values under secret keys and redacts every string", () => {
    const input = {
      command: ["psql", "--password", "x", "postgres://u:pw@h/db"],
      environment: { name: "production", password: "p", port: 5432 },
      credentials: { AccessKeyId: "AKIA1", SecretAccessKey: "s", SessionToken: 7 },
      tokens: ["a", "b"],
      checks: [{ name: "db up", detail: "PGPASSWORD=z psql ok" }],
      auth: null,
      count: 3,
    };
    expect(redactDeep(input)).toEqual({
      command: ["psql", "--password", REDACTED, "postgres://u:***@h/db"],
      environment: { name: "production", password: REDACTED, port: 5432 },
      credentials: { AccessKeyId: "AKIA1", SecretAccessKey: REDACTED, SessionToken: REDACTED },
      tokens: [REDACTED, REDACTED],
      checks: [{ name: "db up", detail: "PGPASSWORD=*** psql ok" }],
      auth: null,
      count: 3,
    });
    expect(input.environment.password).toBe("p");
  });

  it("copes with shared and circular references", () => {
    const shared: Record<string, unknown> = { token: "t" };
    shared.self = shared;
    const out = redactDeep({ a: shared, b: shared });
    expect(out.a).toBe(out.b);
    expect((out.a as Record<string, unknown>).token).toBe(REDACTED);
    expect((out.a as Record<string, unknown>).self).toBe(out.a);
  });

  it("keeps non-plain objects and primitives", () => {
    const when = new Date(0);
    expect(redactDeep({ when, ok: true, n: null })).toEqual({ when, ok: true, n: null });
    expect(redactDeep("PASSWORD=x")).toBe("PASSWORD=***");
  });
});

describe("secrets the first review found leaking", () => {
  it.each<[string[], string]>([
    [["mysql", "-u", "root", "-phunter7d", "-h", "db"], "hunter7d"],
    [["curl", "-u", "bob:hunter7c", "https://api"], "hunter7c"],
    [["curl", "--user=bob:hunter7e", "https://api"], "hunter7e"],
    [["curl", "https://host/path?access_token=hunter7f&page=2"], "hunter7f"],
    [["curl", "https://s3/x?X-Amz-Signature=hunter7g&X-Amz-Date=1"], "hunter7g"],
  ])("%j hides %s", (argv, secret) => {
    const shown = redactArgv(argv).join(" ");
    expect(shown).not.toContain(secret);
    expect(shown).toContain("***");
  });

  it("keeps the user visible in user:password, and page=2 in a URL", () => {
    expect(redactArgv(["curl", "-u", "bob:pw12345", "https://h/?page=2"])).toEqual([
      "curl",
      "-u",
      "bob:***",
      "https://h/?page=2",
    ]);
  });

  it("scrubs a learned secret from a check's output that echoes it in its own words", () => {
    learnSecrets(["dbtool", "--password", "hunter5a-long"]);
    expect(redactOutput("login failed for password hunter5a-long")).toBe(
      "login failed for password ***",
    );
  });

  it("never scrubs learned values from anything but outside output, nor short ones anywhere", () => {
    learnSecrets(["dropdb", "-h", "staging", "--password", "staging"]);
    learnSecrets(["dropdb", "--password", "production-db"]);
    expect(redactText("denies this in production")).toBe("denies this in production");
    expect(redactOutput("environment staging is fine")).toBe("environment staging is fine");
    expect(redactOutput("production-db-2 is not the secret")).toBe(
      "production-db-2 is not the secret",
    );
  });

  it("does not treat -p as a password outside the mysql family", () => {
    expect(redactArgv(["fly", "-t", "prod", "destroy-pipeline", "-pmain"])).toContain("-pmain");
  });
});

describe("references to where a secret is read from", () => {
  it("leaves @env:NAME visible, so a printed resume command can be pasted", () => {
    expect(redactArgv(["--param", "api-key=@env:MYKEY"])).toEqual([
      "--param",
      "api-key=@env:MYKEY",
    ]);
    expect(redactText("preflight procedure run r --param new-token=@env:NEW_TOKEN")).toBe(
      "preflight procedure run r --param new-token=@env:NEW_TOKEN",
    );
    expect(redactArgv(["--param", "api-key=literal-secret-value"])).toEqual([
      "--param",
      "api-key=***",
    ]);
  });
});

describe("the checks that spare most strings the rules (no regular expression on the hot path)", () => {
  // A small deterministic generator: strings built from the pieces the rules look for.
  const PIECES = [
    "-",
    "--",
    "---",
    "p",
    "password",
    "=",
    ":",
    " ",
    "\t",
    "\n",
    "Bearer ",
    "Basic ",
    "bearer",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "MIIEow",
    "abc123XYZ",
    "'",
    '"',
    "https://u:p@h",
    "?token=",
    "&",
    "no-rule",
    "Authorization",
    "_",
    ".",
    "/",
    "@",
    "x-api-key",
    "PGPASSWORD",
    "-ptop",
    "8f9a7b6c5d4e3f2a",
    "{",
    "}",
    ",",
    "é",
    "-x",
  ];
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const samples = Array.from({ length: 20_000 }, () =>
    Array.from({ length: 1 + random(8) }, () => PIECES[random(PIECES.length)]).join(""),
  );

  it("passes over only text that redactText's rules would leave unchanged", () => {
    let passedOver = 0;
    for (const text of samples) {
      if (mayHoldSecret(text)) continue;
      passedOver++;
      expect(applyTextRules(text), text).toBe(text);
    }
    expect(passedOver).toBeGreaterThan(1_000);
  });

  it("still catches a secret it must not pass over", () => {
    for (const text of [
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
      "--password hunter2",
      "-password hunter2",
      "Bearer abcdefgh12345",
      "PGPASSWORD=x",
      "https://u:p@h",
    ]) {
      expect(mayHoldSecret(text), text).toBe(true);
      expect(redactText(text), text).not.toBe(text);
    }
    // The dash inside a word starts no flag: enum values skip the rules.
    expect(mayHoldSecret("no-rule")).toBe(false);
    expect(mayHoldSecret("command-failed")).toBe(false);
  });

  it("changes nothing in a second pass, which is why the audit log takes redactDeep's copy as it is", () => {
    // src/report/json.ts's toAuditRecord redacts the record once and the log does not again;
    // before, the report was redacted and then the record. The lines are the same only if a
    // second pass changes nothing.
    for (const text of samples.slice(0, 5_000)) {
      const once = redactDeep({ reason: text, command: [text, "--password", text], token: text });
      expect(redactDeep(once), text).toEqual(once);
    }
  });

  it("tells a bare ISO timestamp as the regular expression did", () => {
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;
    const cases = [
      "2026-12-07T02:18:33.433Z",
      "2026-12-07T02:18:33Z",
      "2026-12-07T02:18:33.Z",
      "2026-12-07T02:18:33.4Z",
      "2026-12-07T02:18:33.433",
      "2026-12-07 02:18:33.433Z",
      "x2026-12-07T02:18:33.433Z",
      "2026-12-07T02:18:33.433Zx",
      "2026-1a-07T02:18:33.433Z",
      "2026-12-07T02:18:33.43a3Z",
      "+02026-12-07T02:18:33.433Z",
      "",
      "Z",
      ...samples.slice(0, 2_000),
    ];
    for (const text of cases) expect(isIsoTimestamp(text), text).toBe(iso.test(text));
  });

  it("finds the same names worth judging as the regular expression did (ASCII names)", () => {
    const old = /pass|pwd|auth|cookie|cred|jwt|signature|secret|token|key/i;
    const names = [
      "PGPASSWORD",
      "apiKey",
      "X-Api-Key",
      "author",
      "Cookie",
      "JWT_SECRET",
      "monkey",
      "commandExitCode",
      "durationMs",
      "ruleDetails",
      "AWS_SESSION_TOKEN",
      "credHelper",
      "PWD",
      "signatureVersion",
      "time",
      "user",
      "host",
      "PassPhrase",
      ...samples.slice(0, 2_000),
    ];
    for (const name of names) expect(mayBeSecretName(name), name).toBe(old.test(name));
  });
});

describe("isRedactedCopy", () => {
  it("is true of a copy redactDeep made, and of nothing else", () => {
    const copy = redactDeep({ reason: "token=hunter2-value", nested: { password: "x" } });
    expect(isRedactedCopy(copy)).toBe(true);
    expect(isRedactedCopy({ ...copy })).toBe(false);
    expect(isRedactedCopy(copy.nested)).toBe(false);
    expect(isRedactedCopy({ reason: "plain" })).toBe(false);
    expect(isRedactedCopy("text")).toBe(false);
    expect(isRedactedCopy(null)).toBe(false);
    // Returned as they are (not plain objects, not taken apart): not copies, so not vouched for.
    const date = new Date(0);
    expect(redactDeep(date)).toBe(date);
    expect(isRedactedCopy(date)).toBe(false);
  });
});
