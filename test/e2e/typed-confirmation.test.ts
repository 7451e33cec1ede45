/**
 * On a real terminal (a pseudo-terminal, CI unset) preflight shows the plan with its banner
 * and asks for the environment's name. Only the exact name goes ahead.
 */
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { runOnPty } from "../helpers/pty.js";
import {
  expectNotDestroyed,
  expectNothingDestroyed,
  useWorkspace,
  type Workspace,
} from "../helpers/workspace.js";

const ARGS = guard({ policy: "concourse.yaml" }, destroyPipeline("staging"));
const PROMPT = "Type the environment name";

/**
 * Runs preflight (`ARGS` unless told) on a terminal in the workspace, with CI unset unless `env`
 * sets it, and types `answer` once the prompt shows.
 */
function typeAtPrompt(
  ws: Workspace,
  answer: string,
  {
    args = ARGS,
    env = { CI: undefined },
  }: { args?: string[]; env?: Record<string, string | undefined> } = {},
) {
  return runOnPty(args, {
    cwd: ws.root,
    env: { ...ws.env, ...env, TERM: "xterm" },
    prompt: PROMPT,
    answer,
  });
}

describe("the typed confirmation on a terminal", () => {
  it("runs the command when the operator types the environment's name", async (t) => {
    const ws = useWorkspace(t);

    const result = await typeAtPrompt(ws, "staging");

    expect(result.output).toContain("── staging ──");
    expect(result.output).toContain("environment  staging");
    expect(result.output).toContain(`${PROMPT} (staging)`);
    expect(result.exitCode).toBe(0);
    expect(ws.pipelines()).toEqual(["docs", "ops"]);
    expect(ws.auditRecords().at(-1)).toMatchObject({
      outcome: "ok",
      ci: false,
      confirmation: { required: true, given: true, method: "typed" },
    });
  });

  it("aborts (68) on a near miss, and the pipeline is still there", async (t) => {
    const ws = useWorkspace(t);

    const result = await typeAtPrompt(ws, "stagin");

    expect(result.output).toContain(`${PROMPT} (staging)`);
    expect(result.output).toContain("you typed 'stagin'");
    expect(result.exitCode).toBe(68);
    expectNothingDestroyed(ws);
    expect(ws.auditRecords().at(-1)).toMatchObject({
      outcome: "confirmation-required",
      confirmation: { given: false, method: "typed" },
    });
  });

  it("treats an unknown target as protected: the word to type is the target itself", async (t) => {
    const ws = useWorkspace(t);
    const args = guard({ policy: "concourse.yaml" }, destroyPipeline("qa"));

    const result = await typeAtPrompt(ws, "qa", { args });

    expect(result.output).toContain("UNKNOWN ENVIRONMENT 'qa'");
    expect(result.output).toContain(`${PROMPT} (qa)`);
    expect(result.exitCode).toBe(0);
    expect(ws.pipelines()).toEqual(["docs", "ops"]);
    expect(ws.auditRecords().at(-1)).toMatchObject({
      outcome: "ok",
      environment: { name: "qa", known: false, protected: true },
    });
  });

  it("never prompts when CI is set, even on a terminal: 68 and nothing runs", async (t) => {
    const ws = useWorkspace(t);

    const result = await typeAtPrompt(ws, "staging", { env: { CI: "true" } });

    expect(result.output).not.toContain(PROMPT);
    expect(result.output).toContain("--confirm staging");
    expect(result.exitCode).toBe(68);
    expectNotDestroyed(ws);
  });
});
