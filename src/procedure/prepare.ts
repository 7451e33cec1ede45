/**
 * Everything about a procedure that can be known before it runs: where it goes, what the
 * policy decides there, and every step's commands with their templates filled. A template that
 * cannot be filled stops it here, before the first step, not halfway through a switchover.
 */
import { describeCheck } from "../checks/describe.js";
import {
  fillArgv,
  fillShell,
  formatArgv,
  TemplateError,
  type TemplateLookup,
} from "../command/template.js";
import { describeExpectations } from "../diff/describe.js";
import { type ResolvedEnvironment, resolveEnvironment } from "../environment/resolve.js";
import { paramVariable } from "../policy/compile-procedure.js";
import type { Decision, Policy, Procedure, RunSpec } from "../policy/types.js";
import { redactArgv, redactText } from "../report/redact.js";
import { decisionOf, stricter } from "../run/evaluate.js";
import { displayParams, type ParamValues } from "./params.js";
import type { ProcedurePlan } from "./result.js";

export interface PreparedProcedure {
  procedure: Procedure;
  environment: ResolvedEnvironment;
  decision: Decision;
  params: ParamValues;
  /** The variables the steps, checks and probes run with: preflight's own plus PARAM_*. */
  vars: Record<string, string | undefined>;
  lookup: TemplateLookup;
  /** Each step's command and undo as argv, filled. */
  commands: { run?: string[]; undo?: string[] }[];
  plan: ProcedurePlan;
}

export type Preparation =
  | { ok: true; prepared: PreparedProcedure }
  | {
      ok: false;
      outcome: "blocked" | "usage-error";
      message: string;
      hint: string;
      environment?: ResolvedEnvironment;
    };

/** Resolves the environment and decision and fills every step's templates. */
export function prepareProcedure(input: {
  policy: Policy;
  procedure: Procedure;
  params: ParamValues;
  env: Record<string, string | undefined>;
  intendedEnv?: string;
  /** 0-based index of the first step still to run (a resumed run). */
  resumeAt?: number;
}): Preparation {
  const { policy, procedure, params } = input;
  const vars: Record<string, string | undefined> = { ...input.env };
  for (const [name, value] of Object.entries(params.values)) vars[paramVariable(name)] = value;

  const resolution = resolveEnvironment({
    policy,
    rules: procedure.environment ? [{ environment: procedure.environment }] : [],
    argv: [],
    vars,
    ...(input.intendedEnv !== undefined && { intended: input.intendedEnv }),
  });
  if (!resolution.ok) {
    return {
      ok: false,
      outcome: "blocked",
      message: resolution.contradiction,
      hint: resolution.hint,
      ...(resolution.detected && { environment: resolution.detected }),
    };
  }
  const environment = { ...resolution.environment };
  // The param reaches detection as $PARAM_NAME; the operator knows it as a param.
  if (procedure.environmentParam !== undefined) {
    const variable = `variable ${paramVariable(procedure.environmentParam)}`;
    if (environment.source === variable) environment.source = `param ${procedure.environmentParam}`;
  }
  let decision = decisionOf(procedure, environment);
  if (!environment.known && policy.unknownEnvironment === "deny")
    decision = stricter(decision, "deny");

  const lookup: TemplateLookup = (name) => {
    if (name === "env") return environment.name;
    if (name.startsWith("params.")) return params.values[name.slice("params.".length)];
    if (name.startsWith("vars.")) return vars[name.slice("vars.".length)];
    return undefined;
  };

  let commands: PreparedProcedure["commands"];
  let plan: ProcedurePlan;
  try {
    commands = procedure.steps.map((step) => ({
      ...(step.run !== undefined && { run: toArgv(step.run, lookup) }),
      ...(step.undo !== undefined && { undo: toArgv(step.undo, lookup) }),
    }));
    plan = {
      procedure: procedure.name,
      ...(procedure.description !== undefined && { description: procedure.description }),
      environment: {
        name: environment.name,
        protected: environment.protected,
        known: environment.known,
        source: environment.source,
        color: environment.color,
        ...(environment.target !== undefined && { target: environment.target }),
      },
      decision,
      confirmation: { required: decision === "confirm", word: environment.name },
      params: displayParams(params),
      onFailure: procedure.onFailure,
      steps: procedure.steps.map((step, i) => ({
        number: i + 1,
        name: step.name,
        checks: step.checks.map((c) => ({ name: c.name, command: describeCheck(c, lookup) })),
        ...(commands[i]?.run && { command: display(commands[i].run) }),
        verify: step.verify.map((c) => ({ name: c.name, command: describeCheck(c, lookup) })),
        ...(commands[i]?.undo && { undo: display(commands[i].undo) }),
        state: step.state.map((s) => s.name),
        ...(step.expect && { expected: describeExpectations(step.expect) }),
        done: input.resumeAt !== undefined && i < input.resumeAt,
      })),
      ...(input.resumeAt !== undefined && { resumeAt: input.resumeAt + 1 }),
    };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const variable = error.missing.startsWith("vars.") ? error.missing.slice(5) : undefined;
    return {
      ok: false,
      outcome: "usage-error",
      message: `procedure '${procedure.name}' needs {${error.missing}}, which has no value; nothing was run`,
      hint: variable
        ? `set the variable ${variable} and run it again`
        : "give every param it needs with --param NAME=VALUE",
      environment,
    };
  }
  return {
    ok: true,
    prepared: { procedure, environment, decision, params, vars, lookup, commands, plan },
  };
}

/** A step's run spec as argv: a list is filled word by word, a string runs under sh -c. */
export function toArgv(spec: RunSpec, lookup: TemplateLookup): string[] {
  return typeof spec === "string" ? ["sh", "-c", fillShell(spec, lookup)] : fillArgv(spec, lookup);
}

/** How a command is shown: as the operator would type it, with secrets hidden. */
export function display(argv: readonly string[]): string {
  if (argv[0] === "sh" && argv[1] === "-c" && argv.length === 3) return redactText(argv[2]!);
  return formatArgv(redactArgv(argv));
}
