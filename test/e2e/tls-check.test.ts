/**
 * `preflight check tls` against a real TLS server on 127.0.0.1 (node:tls, started by the
 * test) with certificates made by the `openssl` command line. GoCardless, October 2020: the
 * file on disk was renewed, the server kept serving the old certificate until it expired.
 * Each case must say which problem it is.
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { daysFromNow, type IssuedCertificate, TestCA } from "../helpers/certs.js";
import { freePort } from "../helpers/postgres.js";
import { useWorkspace } from "../helpers/workspace.js";

const HOUR = 3_600_000;
const day = (date: Date) => date.toISOString().slice(0, 10);

interface Served {
  port: number;
  address: string;
  /** What `systemctl reload` does: the server picks up a new certificate. */
  reload(cert: IssuedCertificate): void;
}

async function serve(t: TestContext, cert: IssuedCertificate): Promise<Served> {
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    address: `127.0.0.1:${port}`,
    reload: (next) => server.setSecureContext({ key: next.key, cert: next.cert }),
  };
}

describe("preflight check tls", () => {
  let dir: string;
  let ca: TestCA;
  let old: IssuedCertificate;
  let renewed: IssuedCertificate;
  let oldNotAfter: Date;
  let renewedNotBefore: Date;
  let expired: IssuedCertificate;
  let expiringSoon: IssuedCertificate;
  let soonNotAfter: Date;
  let otherHost: IssuedCertificate;
  let foreign: IssuedCertificate;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "preflight-tls-"));
    ca = TestCA.create(join(dir, "ca"));
    const names = ["localhost", "127.0.0.1"];
    // Issued 85 days ago, expires in 5 days (and an hour, so the day count is stable).
    oldNotAfter = new Date(daysFromNow(5).getTime() + HOUR);
    old = ca.issue("old", { names, notBefore: daysFromNow(-85), notAfter: oldNotAfter });
    renewedNotBefore = daysFromNow(-1);
    renewed = ca.issue("renewed", {
      names,
      notBefore: renewedNotBefore,
      notAfter: daysFromNow(89),
    });
    expired = ca.issue("expired", {
      names,
      notBefore: new Date("2020-01-01T00:00:00Z"),
      notAfter: new Date("2020-02-01T00:00:00Z"),
    });
    soonNotAfter = new Date(daysFromNow(10).getTime() + HOUR);
    expiringSoon = ca.issue("soon", { names, notBefore: daysFromNow(-80), notAfter: soonNotAfter });
    otherHost = ca.issue("other", {
      names: ["other.example"],
      notBefore: daysFromNow(-1),
      notAfter: daysFromNow(89),
    });
    foreign = TestCA.create(join(dir, "foreign-ca"), "someone else's CA").issue("foreign", {
      names,
      notBefore: daysFromNow(-1),
      notAfter: daysFromNow(89),
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("says the certificate on disk was renewed but not reloaded; after a reload, passes", async (t) => {
    const ws = useWorkspace(t);
    const server = await serve(t, old);
    const args = ["check", "tls", server.address, "--servername", "localhost"];
    const check = () => ws.run([...args, "--cert-file", renewed.certFile, "--min-days", "14"]);

    const before = await check();
    expect(before.exitCode).toBe(67);
    expect(before.stdout).toContain(
      `✘ FAIL  tls ${server.address} — the certificate on disk was renewed on ${day(renewedNotBefore)} but the server still serves the old one, which expires on ${day(oldNotAfter)} (in 5 days): reload the server`,
    );

    server.reload(renewed);
    const after = await check();
    expect(after.exitCode).toBe(0);
    expect(after.stdout).toMatch(
      new RegExp(
        `✔ pass {2}tls ${server.address} — ${server.address} serves the certificate on disk \\(SHA-256 [0-9A-F:]+…\\), which expires on ${day(daysFromNow(89))}, in 8[89] days`,
      ),
    );
  });

  it("calls a re-issue made in the same second a renewal when it expires later", async (t) => {
    const ws = useWorkspace(t);
    // Both made now, as a script run twice in one second would: the same notBefore, to the second.
    const second = new Date(Math.floor(Date.now() / 1000) * 1000);
    const first = ca.issue("first", {
      names: ["localhost"],
      notBefore: second,
      notAfter: oldNotAfter,
    });
    const again = ca.issue("again", {
      names: ["localhost"],
      notBefore: second,
      notAfter: daysFromNow(89),
    });
    expect(new X509Certificate(again.cert).validFrom).toBe(
      new X509Certificate(first.cert).validFrom,
    );
    const server = await serve(t, first);

    const result = await ws.run([
      "check",
      "tls",
      server.address,
      "--servername",
      "localhost",
      "--cert-file",
      again.certFile,
    ]);

    expect(result.exitCode).toBe(67);
    expect(result.stdout).toContain(
      `the certificate on disk was renewed on ${day(second)} but the server still serves the old one, which expires on ${day(oldNotAfter)} (in 5 days): reload the server`,
    );
    expect(result.stdout).not.toContain("is the server reading another file");
  });

  it("says an expired certificate expired, and that the file holds the same one", async (t) => {
    const ws = useWorkspace(t);
    const server = await serve(t, expired);
    const result = await ws.run(["check", "tls", server.address, "--cert-file", expired.certFile]);
    expect(result.exitCode).toBe(67);
    expect(result.stdout).toMatch(
      /the served certificate expired on 2020-02-01 \(\d+ days ago\), and .*expired-\d+\.crt holds the same one: renew it/,
    );
  });

  it("fails a certificate expiring within --min-days, with the days left", async (t) => {
    const ws = useWorkspace(t);
    const server = await serve(t, expiringSoon);
    const result = await ws.run(["check", "tls", server.address, "--min-days", "14", "--json"]);
    expect(result.exitCode).toBe(67);
    const json = JSON.parse(result.stdout);
    expect(json.checks[0]).toMatchObject({
      kind: "tls",
      status: "fail",
      value: 10,
      detail: `the served certificate expires on ${day(soonNotAfter)}, in 10 days (minimum 14 days)`,
    });
    // Inside --warn-days only: a warning, exit 0, or 1 with --fail-on-warn.
    const warned = await ws.run(["check", "tls", server.address, "--warn-days", "30"]);
    expect(warned.exitCode).toBe(0);
    expect(warned.stdout).toContain("! warn");
    expect(warned.stdout).toContain("in 10 days (warning at 30 days)");
    const strict = await ws.run([
      "check",
      "tls",
      server.address,
      "--warn-days",
      "30",
      "--fail-on-warn",
    ]);
    expect(strict.exitCode).toBe(1);
  });

  it("says when the certificate is for another host", async (t) => {
    const ws = useWorkspace(t);
    const server = await serve(t, otherHost);
    const result = await ws.run(["check", "tls", server.address, "--servername", "vault.internal"]);
    expect(result.exitCode).toBe(67);
    expect(result.stdout).toContain(
      "the served certificate is for other.example, not vault.internal: the host name does not match",
    );
    // The same server passes when the name is not checked.
    const unchecked = await ws.run([
      "check",
      "tls",
      server.address,
      "--servername",
      "vault.internal",
      "--no-check-hostname",
    ]);
    expect(unchecked.exitCode).toBe(0);
  });

  it("validates the served chain against --ca-file", async (t) => {
    const ws = useWorkspace(t);
    const good = await serve(t, renewed);
    const bad = await serve(t, foreign);
    const ours = await ws.run(["check", "tls", good.address, "--ca-file", ca.certFile]);
    expect(ours.exitCode).toBe(0);
    const theirs = await ws.run(["check", "tls", bad.address, "--ca-file", ca.certFile]);
    expect(theirs.exitCode).toBe(67);
    expect(theirs.stdout).toMatch(
      /the served chain does not verify against .*ca\.crt \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
    );
  });

  it("fails closed when it cannot look: nothing listening, or no file to compare with", async (t) => {
    const ws = useWorkspace(t);
    const port = await freePort();
    const refused = await ws.run(["check", "tls", `127.0.0.1:${port}`]);
    expect(refused.exitCode).toBe(67);
    expect(refused.stdout).toContain(`could not connect to 127.0.0.1:${port}: connection refused`);

    const server = await serve(t, renewed);
    const missing = await ws.run([
      "check",
      "tls",
      server.address,
      "--cert-file",
      ws.path("no-such.crt"),
    ]);
    expect(missing.exitCode).toBe(67);
    expect(missing.stdout).toContain(
      `cannot read the certificate file ${ws.path("no-such.crt")} (ENOENT)`,
    );
    expect(missing.stderr).not.toMatch(/at .*\.cjs/); // a reason, not a stack trace
  });

  it("refuses a malformed command line with 64", async (t) => {
    const ws = useWorkspace(t);
    const noPort = await ws.run(["check", "tls", "vault.internal"]);
    expect(noPort.exitCode).toBe(64);
    expect(noPort.stderr).toContain("'vault.internal' is not host:port");
    const badDays = await ws.run(["check", "tls", "a:1", "--min-days", "soon"]);
    expect(badDays.exitCode).toBe(64);
    expect(badDays.stderr).toContain("--min-days 'soon': expected a number");
  });
});
