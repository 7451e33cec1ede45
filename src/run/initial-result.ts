/** The result of a run as evaluation leaves it, before anything has run. */
import { emptyDiff } from "../diff/types.js";
import type { Evaluation } from "./evaluate.js";
import type { RunInput } from "./lifecycle.js";
import type { RunResult } from "./result.js";

export function initialResult(input: RunInput, evaluation: Evaluation, started: Date): RunResult {
  const env = evaluation.environment;
  return {
    mode: input.mode,
    outcome: "ok",
    exitCode: 0,
    commandExitCode: null,
    command: [...input.argv],
    normalised: evaluation.normalised.commands.map((c) => c.argv),
    rules: evaluation.rules.map((r) => ({
      id: r.id,
      ...(r.description !== undefined && { description: r.description }),
      file: r.source.file,
      line: r.source.line,
    })),
    decision: evaluation.decision,
    ...(evaluation.matches.length > 0 && {
      decidedBy: evaluation.matches.find((m) => m.decision === evaluation.decision)?.decidedBy.id,
    }),
    environment: env
      ? {
          name: env.name,
          protected: env.protected,
          known: env.known,
          source: env.source,
          color: env.color,
          ...(env.target !== undefined && { target: env.target }),
        }
      : null,
    checks: [],
    probes: [],
    expected: [],
    predicted: null,
    diff: emptyDiff(),
    violations: [],
    confirmation: { required: evaluation.decision === "confirm", given: false, method: "none" },
    rollback: { attempted: false, succeeded: null },
    reason: input.options.reason?.trim() || null,
    message: "",
    policy: { files: input.policy.files, sha256: input.policy.sha256 },
    startedAt: started.toISOString(),
    durationMs: 0,
  };
}
