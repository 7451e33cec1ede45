/**
 * `preflight check http` against a real HTTP server on 127.0.0.1 started by the test: a
 * healthy answer, a 500, a slow answer and a wrong body; a credential taken from a variable
 * and never shown; and a named http check from a policy.
 */
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/postgres.js";
import { useWorkspace } from "../helpers/workspace.js";

const TOKEN = "s3cr3t-health-token-0042";

describe("preflight check http", () => {
  let base: string;
  const requests: { url: string; authorization?: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({
      url: req.url ?? "",
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
    });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    switch (req.url) {
      case "/health":
        return json(200, { status: "ok", sealed: false, replication: { lag_bytes: 12 } });
      case "/broken":
        res.writeHead(500);
        return res.end("internal error: database unavailable\n");
      case "/slow":
        setTimeout(() => json(200, { status: "ok" }), 600);
        return;
      case "/maintenance":
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<h1>down for maintenance</h1>");
      case "/private":
        if (req.headers.authorization === `Bearer ${TOKEN}`) return json(200, { status: "ok" });
        // A badly behaved server that echoes the credential it was given.
        res.writeHead(401);
        return res.end(`bad credential: ${req.headers.authorization ?? "none"}`);
      case "/padded":
        // Echoed after enough text that a quoted excerpt of the body cuts the token in half.
        res.writeHead(401);
        return res.end(`${"x".repeat(90)} ${req.headers.authorization ?? "none"}`);
      default:
        res.writeHead(404);
        return res.end();
    }
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("passes a healthy answer, showing status, time and the value read", async (t) => {
    const ws = useWorkspace(t);
    const result = await ws.run([
      "check",
      "http",
      `${base}/health`,
      "--json-path",
      "status",
      "--json-equals",
      "ok",
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`✔ pass {2}http ${base}/health — status 200 in \\d+ ms; status is "ok"`),
    );
  });

  it("fails a 500, quoting the body", async (t) => {
    const ws = useWorkspace(t);
    const result = await ws.run(["check", "http", `${base}/broken`, "--json"]);
    expect(result.exitCode).toBe(67);
    expect(JSON.parse(result.stdout).checks[0]).toMatchObject({
      kind: "http",
      status: "fail",
      value: 500,
      detail: expect.stringMatching(
        /^status 500, expected 2xx \(in \d+ ms\): "internal error: database unavailable"$/,
      ),
    });
  });

  it("holds a latency ceiling, warns past a warning level, and gives up at the timeout", async (t) => {
    const ws = useWorkspace(t);
    const slow = `${base}/slow`;
    const ceiling = await ws.run(["check", "http", slow, "--max-latency-ms", "200"]);
    expect(ceiling.exitCode).toBe(67);
    expect(ceiling.stdout).toMatch(/took \d{3,} ms, above the ceiling of 200 ms/);
    const warned = await ws.run(["check", "http", slow, "--warn-latency-ms", "200"]);
    expect(warned.exitCode).toBe(0);
    expect(warned.stdout).toMatch(/! warn {2}.*took \d{3,} ms, past the warning level of 200 ms/);
    const timedOut = await ws.run(["check", "http", slow, "--timeout", "0.2"]);
    expect(timedOut.exitCode).toBe(67);
    expect(timedOut.stdout).toContain("no answer within 0.2 s");
  });

  it("fails a 200 whose body is not what was expected", async (t) => {
    const ws = useWorkspace(t);
    const text = await ws.run(["check", "http", `${base}/maintenance`, "--contains", "ok"]);
    expect(text.exitCode).toBe(67);
    expect(text.stdout).toContain(
      'the body does not contain "ok": "<h1>down for maintenance</h1>"',
    );
    const json = await ws.run(["check", "http", `${base}/maintenance`, "--json-path", "status"]);
    expect(json.exitCode).toBe(67);
    expect(json.stdout).toMatch(/the body is not JSON \(.*\): "<h1>down for maintenance<\/h1>"/);
  });

  it("judges a number read from the JSON against limits", async (t) => {
    const ws = useWorkspace(t);
    const result = await ws.run([
      "check",
      "http",
      `${base}/health`,
      "--json-path",
      "replication.lag_bytes",
      "--max",
      "10",
    ]);
    expect(result.exitCode).toBe(67);
    expect(result.stdout).toContain("12 is above the maximum of 10");
  });

  it("sends a bearer token from a variable, and never shows it, even when echoed", async (t) => {
    const ws = useWorkspace(t);
    const url = `${base}/private`;
    const ok = await ws.run(["check", "http", url, "--bearer-env", "HEALTH_TOKEN"], {
      env: { HEALTH_TOKEN: TOKEN },
    });
    expect(ok.exitCode).toBe(0);
    expect(requests.at(-1)).toEqual({ url: "/private", authorization: `Bearer ${TOKEN}` });

    const wrong = await ws.run(["check", "http", url, "--bearer-env", "HEALTH_TOKEN", "--json"], {
      env: { HEALTH_TOKEN: `${TOKEN}-old` },
    });
    expect(wrong.exitCode).toBe(67);
    const detail: string = JSON.parse(wrong.stdout).checks[0].detail;
    expect(detail).toMatch(/^status 401, expected 2xx \(in \d+ ms\): "bad credential: .*\*\*\*"$/);
    expect(wrong.stdout + wrong.stderr).not.toContain(TOKEN);

    // Even a token the excerpt would cut in half is hidden before it is cut.
    const padded = await ws.run(
      ["check", "http", `${base}/padded`, "--bearer-env", "HEALTH_TOKEN"],
      {
        env: { HEALTH_TOKEN: TOKEN },
      },
    );
    expect(padded.exitCode).toBe(67);
    expect(padded.stdout + padded.stderr).not.toContain(TOKEN.slice(0, 10));
  });

  it("does not send the request at all when the credential's variable is not set", async (t) => {
    const ws = useWorkspace(t);
    const before = requests.length;
    const result = await ws.run([
      "check",
      "http",
      `${base}/private`,
      "--bearer-env",
      "HEALTH_TOKEN",
    ]);
    expect(result.exitCode).toBe(67);
    expect(result.stdout).toContain(
      "the variable HEALTH_TOKEN is not set (the policy takes the authorization header from it), so the request was not sent",
    );
    expect(requests.length).toBe(before);
  });

  it("fails closed on a refused connection", async (t) => {
    const ws = useWorkspace(t);
    const port = await freePort();
    const result = await ws.run(["check", "http", `http://127.0.0.1:${port}/health`]);
    expect(result.exitCode).toBe(67);
    expect(result.stdout).toContain(`could not connect to 127.0.0.1:${port}: connection refused`);
  });

  it("runs named http checks from a policy, with a header from a variable", async (t) => {
    const ws = useWorkspace(t);
    const policy = ws.path("health.yaml");
    writeFileSync(
      policy,
      [
        "version: 1",
        "checks:",
        "  api-health:",
        `    http: { url: "${base}/health" }`,
        "    expect: { json: { path: sealed, equals: false }, latency-ms: { max: 2000 } }",
        "  api-private:",
        `    http: { url: "${base}/private", headers-env: { Authorization: HEALTH_AUTH } }`,
        "  api-down:",
        `    http: { url: "${base}/broken" }`,
        "",
      ].join("\n"),
    );
    const env = { HEALTH_AUTH: `Bearer ${TOKEN}` };
    const two = await ws.run(["check", "--policy", policy, "api-health", "api-private"], { env });
    expect(two.exitCode).toBe(0);
    expect(two.stdout).toContain("preflight: all 2 checks passed (exit 0)");
    const all = await ws.run(["check", "--policy", policy], { env });
    expect(all.exitCode).toBe(67);
    expect(all.stdout).toContain("preflight: 1 of 3 checks failed (exit 67)");
    const typo = await ws.run(["check", "--policy", policy, "api-helth"], { env });
    expect(typo.exitCode).toBe(64);
    expect(typo.stderr).toContain(
      "the policy defines no check named 'api-helth' (did you mean 'api-health'?); its checks: api-health, api-private, api-down",
    );
  });
});
