/**
 * The Spreedly incident (2017), replayed: a credential rotation where the new credential was
 * entered incorrectly. The bundled example procedure proves the new token against a real HTTP
 * service before cutting over, verifies the client's health after, and undoes the cut-over
 * when the client breaks.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/exec.js";
import { startTokenService, type TokenService } from "../helpers/token-service.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const POLICY = join(REPO_ROOT, "policies", "examples", "credential-rotation.yaml");
const OLD = "old-token-0123456789abcdef";
const NEW = "new-token-fedcba9876543210";

let service: TokenService;
let tokenFile: string;
let ws: Workspace;

beforeEach(async (context) => {
  ws = useWorkspace(context);
  tokenFile = ws.path("api-token");
  writeFileSync(tokenFile, OLD);
  // The provider has issued the new token: the API accepts both until the old one is revoked.
  service = await startTokenService(tokenFile, [OLD, NEW]);
});
afterEach(() => service.close());

function rotate(newToken: string, extra: string[] = []) {
  return ws.run(
    [
      "procedure",
      "run",
      "rotate-api-token",
      "--policy",
      POLICY,
      "--param",
      "env=production",
      "--param",
      `service-url=${service.url}`,
      "--param",
      `token-file=${tokenFile}`,
      "--param",
      `health-url=${service.url}/health`,
      "--param",
      "new-token=@env:NEW_TOKEN",
      "--confirm",
      "production",
      "--report",
      ws.reportFile,
      ...extra,
    ],
    { env: { NEW_TOKEN: newToken }, timeoutMs: 30_000 },
  );
}

describe("credential rotation (Spreedly 2017)", () => {
  it("rejects a mistyped new token at the proving step, and nothing is cut over", async () => {
    const mistyped = NEW.replace("fedc", "fdec");
    const result = await rotate(mistyped);
    expect(result.exitCode).toBe(67);
    expect(result.stderr).toContain("step 1/3 'prove the new token before cut-over' failed");
    expect(result.stderr).toContain("the service accepts the new token");
    expect(readFileSync(tokenFile, "utf8")).toBe(OLD);
    expect(await (await fetch(`${service.url}/health`)).status).toBe(200);
    // The token is a secret: neither the terminal, the report nor the audit log shows it.
    for (const text of [
      result.stderr,
      result.stdout,
      readFileSync(ws.reportFile, "utf8"),
      ws.auditText(),
    ]) {
      expect(text).not.toContain(mistyped);
    }
  });

  it("rotates a good token, and the health check passes", async () => {
    const result = await rotate(NEW);
    expect(result.stderr).toContain("all 3 steps of 'rotate-api-token' ran and were verified");
    expect(result.exitCode).toBe(0);
    expect(readFileSync(tokenFile, "utf8")).toBe(NEW);
    expect(await (await fetch(`${service.url}/health`)).status).toBe(200);
    const steps = ws.auditRecords().filter((r) => r.kind === "procedure-step");
    expect(steps.map((r) => [r.step, r.outcome])).toEqual([
      [1, "ok"],
      [2, "ok"],
      [3, "ok"],
    ]);
    expect(ws.auditText()).not.toContain(NEW);
  });

  it("reverts a cut-over that breaks the client's health (exit 69)", async () => {
    // The API takes the new token on /api/whoami, but the client's calls are refused with it
    // (a token of the wrong scope): the proof passes, the health check after cut-over fails.
    service.clientAccepted = new Set([OLD]);
    const result = await rotate(NEW);
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toContain("step 3/3 'health check' failed");
    expect(result.stderr).toContain("step 2 was reverted");
    expect(readFileSync(tokenFile, "utf8")).toBe(OLD);
    expect(await (await fetch(`${service.url}/health`)).status).toBe(200);
    const report = ws.readReport() as unknown as {
      undo: { steps: { number: number; status: string }[] };
    };
    expect(report.undo.steps.find((s) => s.number === 2)?.status).toBe("undone");
  });
});
