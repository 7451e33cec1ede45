/** The result of a run as evaluation leaves it, before anything has run. */
import { earlyResult } from "./early-result.js";
import type { Evaluation } from "./evaluate.js";
import type { RunInput } from "./ports.js";
import type { RunResult } from "./result.js";

export function initialResult(input: RunInput, evaluation: Evaluation, started: Date): RunResult {
  const env = evaluation.environment;
  const programs = evaluation.judged.flatMap((c) => (c.program ? [c.program] : []));
  return {
    ...earlyResult({
      mode: input.mode,
      argv: input.argv,
      outcome: "ok",
      message: "",
      ...(input.options.reason !== undefined && { reason: input.options.reason }),
      startedAt: started,
      durationMs: 0,
    }),
    normalised: evaluation.normalised.commands.map((c) => c.argv),
    ...(programs.length > 0 && { programs }),
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
          ...(env.truth && { truth: env.truth }),
          ...(env.alias && {
            alias: {
              name: env.alias.name,
              known: env.alias.known,
              protected: env.alias.protected,
              source: env.alias.source,
              ...(env.alias.target !== undefined && { target: env.alias.target }),
            },
          }),
          ...(env.note !== undefined && { note: env.note }),
        }
      : null,
    confirmation: {
      required:
        evaluation.decision === "confirm" ||
        (evaluation.decision === "approve" && input.mode === "run"),
      given: false,
      method: "none",
    },
    policy: { files: input.policy.files, sha256: input.policy.sha256 },
  };
}
