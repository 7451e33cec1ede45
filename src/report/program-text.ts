/** One line for a program judged under another name, shared by the plan and `policy explain`. */
import type { ProgramIdentity } from "../command/identify-program.js";

/** `k → /usr/local/bin/kubectl`; `python3 → aws (python -m awscli)`; `py → /usr/bin/python3.12 → aws (…)`. */
export function describeProgram(program: ProgramIdentity): string {
  const steps = [program.typed];
  if (program.path !== undefined) steps.push(program.path);
  if (program.how !== undefined || program.path === undefined) steps.push(program.as);
  return `${steps.join(" → ")}${program.how !== undefined ? ` (${program.how})` : ""}`;
}
