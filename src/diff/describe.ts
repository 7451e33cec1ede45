/** Expectations in words, for the plan: what the operator should expect the command to change. */
import type { ChangeExpectation, Expectations } from "../policy/types.js";
import { describeSelector } from "./selector.js";

/** Expectations (templates already filled) in words. */
export function describeExpectations(expect: Expectations): string {
  const parts = (["removed", "added", "changed"] as const).map((kind) =>
    describeChange(kind, expect[kind]),
  );
  for (const selector of expect.unchanged) parts.push(`unchanged: ${describeSelector(selector)}`);
  if (expect.predicted)
    parts.push(
      `predicted: ${expect.predicted === "exact" ? "exactly as predicted" : "within the prediction"}`,
    );
  return parts.join("; ");
}

function describeChange(kind: string, c: ChangeExpectation): string {
  if (c.kind === "any") return `${kind}: anything`;
  if (c.kind === "none") return `${kind}: nothing`;
  const bits: string[] = [];
  if (c.max !== undefined) bits.push(`at most ${c.max}`);
  if (c.only) bits.push(`only ${describeSelector(c.only)}`);
  if (c.never) bits.push(`never ${describeSelector(c.never)}`);
  return `${kind}: ${bits.join(", ") || "anything"}`;
}
