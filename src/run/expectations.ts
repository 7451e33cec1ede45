/**
 * A guard's expectations with their templates filled from the command. Values are escaped as
 * globs: `-p '*'` must mean the pipeline named "*", never "every pipeline". Filled once,
 * before anything runs, so a missing value refuses the run instead of failing after it.
 */
import { fillArgv } from "../command/template.js";
import { escapeGlob } from "../policy/glob.js";
import type { ChangeExpectation, Expectations, Selector } from "../policy/types.js";
import type { Guard } from "./guards.js";

/** Throws TemplateError when the command does not give a value an expectation needs. */
export function fillExpectations(guard: Guard, expect: Expectations): Expectations {
  const fill = (selector: Selector): Selector => {
    const keys = Object.keys(selector);
    const values = fillArgv(Object.values(selector), (name) => {
      const value = guard.lookup(name);
      return value === undefined ? undefined : escapeGlob(value);
    });
    return Object.fromEntries(keys.map((k, i) => [k, values[i]!]));
  };
  return {
    ...expect,
    added: fillChange(expect.added, fill),
    removed: fillChange(expect.removed, fill),
    changed: fillChange(expect.changed, fill),
    unchanged: expect.unchanged.map(fill),
  };
}

function fillChange(c: ChangeExpectation, fill: (s: Selector) => Selector): ChangeExpectation {
  if (c.kind !== "limit") return c;
  return { ...c, ...(c.only && { only: fill(c.only) }), ...(c.never && { never: fill(c.never) }) };
}
