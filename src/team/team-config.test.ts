import { describe, expect, it } from "vitest";
import { describeDbError, describeTarget, parseKeyValue } from "./connect.js";
import { identityOf } from "./identity.js";
import { teamConfig } from "./settings.js";

describe("team configuration", () => {
  const source = { file: "p.yaml", line: 1, column: 1 };

  it("is absent without a team: section or PREFLIGHT_DATABASE_URL", () => {
    expect(teamConfig(undefined, {}, "/s/audit.jsonl")).toBeUndefined();
  });

  it("reads the URL from the variable the policy names, and the overrides from the environment", () => {
    const config = teamConfig(
      { name: "payments", urlVariable: "OPS_DB", offline: "spool", source },
      { OPS_DB: "postgres://a@h/db", PREFLIGHT_LOCK_LEASE: "5" },
      "/s/audit.jsonl",
    );
    expect(config).toMatchObject({
      team: "payments",
      url: "postgres://a@h/db",
      offline: "spool",
      leaseSeconds: 5,
      spoolFile: "/s/team-spool.jsonl",
    });
  });

  it("is configured but without a URL when the named variable is unset", () => {
    expect(teamConfig({ source }, {}, "/s/a.jsonl")).toMatchObject({
      url: undefined,
      offline: "refuse",
    });
  });
});

describe("database URLs", () => {
  it("reads libpq key=value strings, quoted values included", () => {
    expect(parseKeyValue("host=db port=6432 user=alice password='a b\\'c' dbname=ops")).toEqual({
      host: "db",
      port: 6432,
      user: "alice",
      password: "a b'c",
      database: "ops",
    });
  });

  it("names user, host, port and database, never the password", () => {
    expect(describeTarget("postgres://alice:hunter2@db.internal:6432/ops")).toBe(
      "alice@db.internal:6432/ops",
    );
    expect(describeTarget("host=db user=alice password=hunter2")).toBe("alice@db:5432/alice");
    const refused = describeDbError(
      { code: "28P01", message: "password hunter2 refused" },
      "postgres://alice:hunter2@db/ops",
    );
    expect(refused).toBe("the password for alice@db:5432/ops was refused");
  });
});

describe("identity", () => {
  it("is the OS user and host on a terminal, whatever CI-looking variables say without CI", () => {
    expect(identityOf({ GITHUB_ACTOR: "mallory" }, "alice", "laptop").label).toBe("alice@laptop");
  });

  it("is the CI provider's actor in CI", () => {
    expect(
      identityOf({ CI: "true", GITHUB_ACTIONS: "true", GITHUB_ACTOR: "octocat" }, "runner", "h"),
    ).toMatchObject({
      label: "octocat@github",
      ci: { provider: "github", actor: "octocat" },
    });
    expect(
      identityOf({ CI: "true", GITLAB_CI: "true", GITLAB_USER_LOGIN: "gl" }, "r", "h").label,
    ).toBe("gl@gitlab");
  });
});
