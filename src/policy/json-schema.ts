/**
 * The policy file's JSON Schema, generated from the zod schema the loader validates with, so
 * the two cannot drift. Editors use it (the `# yaml-language-server: $schema=…` line at the
 * top of each policy) to complete keys and flag mistakes as the author types; the committed
 * copy is schema/policy.schema.json, and a test fails when it is stale (`npm run schema`).
 */
import { z } from "zod";
import { policyFileSchema } from "./schema.js";
import { describeKeys } from "./schema-docs.js";

/**
 * A stable identifier for this version of the format, not a location: editors find the file
 * through the policy's `$schema` line (a path into node_modules or the repository).
 */
export const POLICY_SCHEMA_ID = "urn:preflight:policy:v1";

export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(policyFileSchema, { target: "draft-7", io: "input" });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return {
    $schema,
    $id: POLICY_SCHEMA_ID,
    title: "preflight policy",
    description:
      "A preflight policy file (version 1): environments, rules and test cases. Generated from the schema preflight validates with; see docs/policy.md.",
    ...describeKeys(rest),
  };
}

export function policyJsonSchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}
