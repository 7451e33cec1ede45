/**
 * The hook's fast path (src/cli/hook-unguarded.ts, in dist/fast.cjs): once the policy is
 * compiled and its cache entry verified, an agent's command the policy has no objection to is
 * answered without the full CLI loading, with the answer the full CLI gives. Anything else
 * (a refusal, a question, an unreadable event) is answered by the full CLI from the event the
 * fast path read and handed over; these tests watch which bundles each call loads.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { type Agent, shellEvent, useAgentWorkspace } from "../helpers/agent-events.js";
import { bundleProbe } from "../helpers/bundle-probe.js";

const PROD_DELETE = "kubectl --context prod delete namespace payments";

/** Answers once so the policy is compiled and cached, then again after its entry is indexed. */
async function warmUp(aw: ReturnType<typeof useAgentWorkspace>): Promise<void> {
  expect((await aw.ask("claude-code", "ls -la")).exitCode).toBe(0);
  await sleep(2_100);
  expect((await aw.ask("claude-code", "ls -la")).exitCode).toBe(0);
  expect(
    existsSync(join(aw.ws.home, ".local", "state", "preflight", "verified-policies.json")),
  ).toBe(true);
}

describe.concurrent("the hook's fast path", { timeout: 90_000 }, () => {
  it("lets a harmless command through without the full CLI, answering as the full CLI does", async (t) => {
    const aw = useAgentWorkspace(t);
    const watch = bundleProbe(aw.ws);
    await warmUp(aw);
    for (const agent of ["claude-code", "codex", "gemini"] as Agent[]) {
      const event = shellEvent(agent, "git status && ls -la | head", aw.project);
      const full = await aw.hook(agent, event, { ...watch.env, PREFLIGHT_NO_CACHE: "1" });
      expect(watch.bundles()).toEqual(["boot.cjs", "cli.cjs", "fast.cjs"]);
      const fast = await aw.hook(agent, event, watch.env);
      expect(watch.bundles()).toEqual(["boot.cjs", "fast.cjs"]);
      expect(fast).toMatchObject({
        exitCode: full.exitCode,
        stdout: full.stdout,
        stderr: full.stderr,
      });
      expect(fast.exitCode).toBe(0);
    }
    // Another tool than the shell: no opinion, on the fast path too.
    const read = JSON.stringify({
      session_id: "s",
      cwd: aw.project,
      hook_event_name: "PreToolUse",
      tool_name: "Read",
      tool_input: { file_path: "/etc/hosts" },
    });
    expect(await aw.hook("claude-code", read, watch.env)).toMatchObject({
      exitCode: 0,
      stderr: "",
    });
    expect(watch.bundles()).toEqual(["boot.cjs", "fast.cjs"]);
    // Nothing is recorded for an allowed command, as before.
    expect(aw.auditRecords()).toEqual([]);
    expect(aw.toolCalls()).toEqual([]);
  });

  it("hands a refusal to the full CLI, with the whole event, however large", async (t) => {
    const aw = useAgentWorkspace(t);
    const watch = bundleProbe(aw.ws);
    await warmUp(aw);
    // Over 64 KiB, so the fast path reads it in several pieces before handing it over.
    const padding = "x".repeat(200_000);
    const event = shellEvent("claude-code", PROD_DELETE, aw.project, { padding });
    const denied = await aw.hook("claude-code", event, watch.env);
    // The kubectl rule reads the kubeconfig: the resolvers' bundle too.
    expect(watch.bundles()).toEqual(["boot.cjs", "cli.cjs", "fast.cjs", "resolvers.cjs"]);
    expect(denied.exitCode).toBe(2);
    expect(denied.stderr).toContain(
      "preflight blocked this command: rule 'kubectl-delete-namespace' denies this in production",
    );
    expect(aw.auditRecords()).toMatchObject([
      {
        agentAnswer: "deny",
        rules: ["kubectl-delete-namespace"],
        command: ["bash", "-c", PROD_DELETE],
      },
    ]);
    expect(aw.toolCalls()).toEqual([]);
  });

  it("an unreadable event is refused by the full CLI, never let through", async (t) => {
    const aw = useAgentWorkspace(t);
    const watch = bundleProbe(aw.ws);
    await warmUp(aw);
    const broken = await aw.hook("claude-code", '{"hook_event_name": "PreToolUse", ', watch.env);
    expect(watch.bundles()).toEqual(["boot.cjs", "cli.cjs", "fast.cjs"]);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain("the Claude Code event is not JSON");
    const empty = await aw.hook("claude-code", "", watch.env);
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain("standard input was empty");
  });
});
