/**
 * schema/policy.schema.json is generated from the loader's own zod schema (`npm run schema`)
 * and committed, so editors and other tools can use it. It must never be stale, every bundled
 * policy must point editors at it, and it must accept what the loader accepts.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { POLICY_SCHEMA_ID, policyJsonSchemaText } from "../src/policy/json-schema.js";
import { undescribedKeys } from "../src/policy/schema-docs.js";

const ROOT = join(import.meta.dirname, "..");
const SCHEMA_FILE = join(ROOT, "schema", "policy.schema.json");

function policyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return policyFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

function compileSchema() {
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));
}

describe("the policy JSON Schema", () => {
  it("is up to date with the loader's schema (run `npm run schema` to regenerate it)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(policyJsonSchemaText());
  });

  it("has an $id, and a description (hover text) on every key an author can write", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
    expect(schema.$id).toBe(POLICY_SCHEMA_ID);
    // A new key needs a line in src/policy/schema-docs.ts (or a zod .describe()).
    expect(undescribedKeys(schema)).toEqual([]);
    expect(schema.properties.rules.items.properties.decision.markdownDescription).toContain(
      "production: deny",
    );
  });

  it.each(policyFiles(join(ROOT, "policies")))("is named by the first line of %s", (file) => {
    const first = readFileSync(file, "utf8").split("\n")[0]!;
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(match, first).not.toBeNull();
    expect(resolve(dirname(file), match![1]!)).toBe(SCHEMA_FILE);
    expect(relative(dirname(file), SCHEMA_FILE)).toBe(match![1]);
  });

  it.each(policyFiles(join(ROOT, "policies")))("accepts %s", (file) => {
    const validate = compileSchema();
    const ok = validate(parse(readFileSync(file, "utf8"), { maxAliasCount: -1 }));
    expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("rejects a misspelt key and a missing suppression reason, as the loader does", () => {
    const validate = compileSchema();
    expect(
      validate({ version: 1, rules: [{ id: "x", match: { command: "fly" }, enviroment: {} }] }),
    ).toBe(false);
    expect(
      validate({
        version: 1,
        rules: [{ id: "x", match: { command: "fly" }, lint: { ignore: [{ code: "PF110" }] } }],
      }),
    ).toBe(false);
    expect(
      validate({
        version: 1,
        rules: [
          {
            id: "x",
            match: { command: "fly" },
            lint: { ignore: [{ code: "PF110", reason: "why" }] },
          },
        ],
      }),
    ).toBe(true);
  });
});
