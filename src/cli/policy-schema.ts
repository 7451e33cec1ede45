/** `preflight policy schema`: the policy file's JSON Schema on stdout. */
import { policyJsonSchemaText } from "../policy/json-schema.js";
import type { CliContext } from "./context.js";

export async function policySchema(ctx: CliContext): Promise<number> {
  ctx.stdout(policyJsonSchemaText());
  return 0;
}
