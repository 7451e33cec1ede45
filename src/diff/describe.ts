/** Expectations in words, for the plan: what the operator should expect the command to change. */
import type { ChangeExpectation, Expectations, Selector } from "../policy/types.js";
import { describeSelector } from "./selector.js";

export function describeExpectations(
  expect: Expectations,
  fill: (s: Selector) => Selector,
): string {
  const parts = (["removed", "added", "changed"] as const).map((kind) =>
    describeChange(kind, expect[kind], fill),
  );
  for (const selector of expect.unchanged)
    parts.push(`unchanged: ${describeSelector(fill(selector))}`);
  return parts.join("; ");
}

function describeChange(
  kind: string,
  c: ChangeExpectation,
  fill: (s: Selector) => Selector,
): string {
  if (c.kind === "any") return `${kind}: anything`;
  if (c.kind === "none") return `${kind}: nothing`;
  const bits: string[] = [];
  if (c.max !== undefined) bits.push(`at most ${c.max}`);
  if (c.only) bits.push(`only ${describeSelector(fill(c.only))}`);
  if (c.never) bits.push(`never ${describeSelector(fill(c.never))}`);
  return `${kind}: ${bits.join(", ") || "anything"}`;
}
