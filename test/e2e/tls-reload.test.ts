/**
 * GoCardless, October 2020, replayed with policies/examples/tls-reload.yaml: a Vault-like
 * server (its own process, reloading its certificate only on SIGHUP) keeps serving the old
 * certificate after the file on disk was renewed. The policy is adopted as a team would,
 * by pointing its endpoint and files at this server; nothing else in it changes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { daysFromNow, type IssuedCertificate, TestCA } from "../helpers/certs.js";
import { REPO_ROOT } from "../helpers/exec.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const EXAMPLE = join(REPO_ROOT, "policies", "examples", "tls-reload.yaml");
const SERVER = join(REPO_ROOT, "test", "helpers", "vault-like-server.mjs");
const day = (date: Date) => date.toISOString().slice(0, 10);

const FAKE_SYSTEMCTL = `#!/bin/sh
echo "systemctl $*" >> "$FAKE_LOG"
case "$1" in
  reload|restart)
    # A reload that does not take (the unit reloads something else, the signal is lost).
    [ -n "$FAKE_RELOAD_DOES_NOTHING" ] && exit 0
    kill -HUP "$(cat "$FAKE_VAULT_PID")" ;;
esac
`;
const FAKE_CERTBOT = `#!/bin/sh
echo "certbot $*" >> "$FAKE_LOG"
`;

interface Setup {
  ws: Workspace;
  policy: string;
  port: number;
  env: Record<string, string>;
  log: () => string[];
  /** What cert-manager does: writes a new certificate and key over the files on disk. */
  renewOnDisk(cert: IssuedCertificate): void;
}

describe("tls-reload.yaml: a renewed certificate that was never reloaded", () => {
  let ca: TestCA;
  let caDir: string;
  let old: IssuedCertificate;
  let renewed: IssuedCertificate;
  let wrongHost: IssuedCertificate;
  let oldNotAfter: Date;
  let renewedNotBefore: Date;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    caDir = mkdtempSync(join(tmpdir(), "preflight-tls-reload-"));
    ca = TestCA.create(join(caDir, "ca"));
    const names = ["vault.internal", "127.0.0.1"];
    oldNotAfter = new Date(daysFromNow(5).getTime() + 3_600_000);
    old = ca.issue("old", { names, notBefore: daysFromNow(-85), notAfter: oldNotAfter });
    renewedNotBefore = daysFromNow(-1);
    renewed = ca.issue("renewed", {
      names,
      notBefore: renewedNotBefore,
      notAfter: daysFromNow(89),
    });
    wrongHost = ca.issue("wrong", {
      names: ["consul.internal"],
      notBefore: daysFromNow(-1),
      notAfter: daysFromNow(89),
    });
  });
  afterAll(() => {
    for (const child of children) child.kill("SIGTERM");
    rmSync(caDir, { recursive: true, force: true });
  });

  async function setup(t: TestContext): Promise<Setup> {
    const ws = useWorkspace(t);
    const tls = ws.path("tls");
    mkdirSync(tls);
    copyFileSync(ca.certFile, join(tls, "ca.crt"));
    copyFileSync(old.certFile, join(tls, "tls.crt"));
    copyFileSync(old.keyFile, join(tls, "tls.key"));
    const child = spawn(process.execPath, [SERVER, join(tls, "tls.crt"), join(tls, "tls.key")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    t.onTestFinished(() => {
      child.kill("SIGTERM");
    });
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout! }).once("line", resolve),
    );
    const port = (JSON.parse(line) as { port: number }).port;
    writeFileSync(ws.path("vault.pid"), String(child.pid));

    // Adopting the example: its endpoint and files point at this server; nothing else changes.
    const example = readFileSync(EXAMPLE, "utf8");
    const adopted = example
      .replaceAll("127.0.0.1:8200", `127.0.0.1:${port}`)
      .replaceAll("/etc/vault/tls/", `${tls}/`);
    expect(adopted.split(String(port)).length - 1).toBe(2);
    expect(adopted.split(`${tls}/`).length - 1).toBe(2);
    const policy = ws.path("tls-reload.yaml");
    writeFileSync(policy, adopted);

    ws.installScript("systemctl", FAKE_SYSTEMCTL);
    ws.installScript("certbot", FAKE_CERTBOT);
    const logFile = ws.path("calls.log");
    return {
      ws,
      policy,
      port,
      env: { FAKE_LOG: logFile, FAKE_VAULT_PID: ws.path("vault.pid") },
      log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n") : []),
      renewOnDisk(cert) {
        copyFileSync(cert.certFile, join(tls, "tls.crt"));
        copyFileSync(cert.keyFile, join(tls, "tls.key"));
      },
    };
  }

  it("the check from cron says the renewal was never loaded, and to reload rather than re-issue", async (t) => {
    const s = await setup(t);
    // Before the renewal, it says the certificate is about to expire.
    const soon = await s.ws.run(["check", "--policy", s.policy, "served-certificate-is-on-disk"]);
    expect(soon.exitCode).toBe(67);
    expect(soon.stdout).toContain(
      `the served certificate expires on ${day(oldNotAfter)}, in 5 days (minimum 14 days): renew it`,
    );
    s.renewOnDisk(renewed);
    const result = await s.ws.run(["check", "--policy", s.policy, "served-certificate-is-on-disk"]);
    expect(result.exitCode).toBe(67);
    expect(result.stdout).toContain(
      `✘ FAIL  served-certificate-is-on-disk — the certificate on disk was renewed on ${day(renewedNotBefore)} but the server still serves the old one, which expires on ${day(oldNotAfter)} (in 5 days): reload the server`,
    );
  });

  it("renewing again before the last renewal was loaded is stopped, and certbot does not run", async (t) => {
    const s = await setup(t);
    s.renewOnDisk(renewed);
    const result = await s.ws.run(
      ["--policy", s.policy, "--env", "staging", "--", "certbot", "renew"],
      { env: s.env },
    );
    expect(result.exitCode).toBe(67);
    expect(result.stderr).toContain("reload the server");
    expect(s.log()).toEqual([]);
  });

  it("the reload is checked before and verified after: the server now serves the file on disk", async (t) => {
    const s = await setup(t);
    s.renewOnDisk(renewed);
    const result = await s.ws.run(
      [
        "--policy",
        s.policy,
        "--env",
        "staging",
        "--report",
        s.ws.reportFile,
        "--",
        "systemctl",
        "reload",
        "vault",
      ],
      { env: s.env },
    );
    expect(result.exitCode).toBe(0);
    expect(s.log()).toEqual(["systemctl reload vault"]);
    expect(result.stderr).toContain("check        ✔ pass certificate-on-disk-is-valid");
    expect(result.stderr).toContain(
      "expected     check 'served-certificate-is-on-disk' passes afterwards",
    );
    expect(result.stderr).toMatch(
      /verify +✔ pass served-certificate-is-on-disk — 127\.0\.0\.1:\d+ serves the certificate on disk/,
    );
    expect(result.stderr).toMatch(
      /verify +✔ pass vault-health — status 200 in \d+ ms; sealed is false/,
    );
    const report = s.ws.readReport();
    expect(report.outcome).toBe("ok");
    expect(
      report.checks.map((c) => [c.name, c.status, (c as { phase?: string }).phase ?? "before"]),
    ).toEqual([
      ["certificate-on-disk-is-valid", "pass", "before"],
      ["certificate-on-disk-is-not-expiring", "pass", "before"],
      ["served-certificate-is-on-disk", "pass", "after"],
      ["vault-health", "pass", "after"],
    ]);
    // And the check from cron agrees.
    expect(
      (await s.ws.run(["check", "--policy", s.policy, "served-certificate-is-on-disk"])).exitCode,
    ).toBe(0);
  });

  it("a reload that does not take fails verification (70) and says the old certificate is still served", async (t) => {
    const s = await setup(t);
    s.renewOnDisk(renewed);
    const result = await s.ws.run(
      [
        "--policy",
        s.policy,
        "--env",
        "staging",
        "--report",
        s.ws.reportFile,
        "--",
        "systemctl",
        "reload",
        "vault",
      ],
      { env: { ...s.env, FAKE_RELOAD_DOES_NOTHING: "1" }, timeoutMs: 30_000 },
    );
    expect(result.exitCode).toBe(70);
    expect(s.log()).toEqual(["systemctl reload vault"]);
    expect(result.stderr).toContain(
      "✘ violated verify (rule vault-reload): check 'served-certificate-is-on-disk' failed after the command: the certificate on disk was renewed on",
    );
    const report = s.ws.readReport();
    expect(report).toMatchObject({ outcome: "verification-failed", commandExitCode: 0 });
    expect(report.violations.map((v) => v.expectation)).toEqual(["verify"]);
  }, 40_000);

  it("a certificate on disk that the server could not use stops the reload before it happens", async (t) => {
    const s = await setup(t);
    s.renewOnDisk(wrongHost);
    const result = await s.ws.run(
      ["--policy", s.policy, "--env", "staging", "--", "systemctl", "reload", "vault"],
      { env: s.env },
    );
    expect(result.exitCode).toBe(67);
    expect(result.stderr).toMatch(
      /✘ FAIL certificate-on-disk-is-valid — exit 2, expected 0: error 62 at 0 depth lookup: hostname mismatch/,
    );
    expect(s.log()).toEqual([]);
    // The server still serves the certificate it had.
    const served = await s.ws.run([
      "check",
      "tls",
      `127.0.0.1:${s.port}`,
      "--json",
      "--servername",
      "vault.internal",
    ]);
    expect(JSON.parse(served.stdout).checks[0].value).toBe(5);
  });
});
