import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import {
  dryRunAsPlan,
  isProgramOnPath,
  nearestVerb,
  refuseMistypedVerb,
  usageMessage,
} from "./argv-conventions.js";

const bin = mkdtempSync(join(tmpdir(), "preflight-verbs-"));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
/** An executable named `name` in a folder of its own, as on a user's PATH. */
function program(name: string): string {
  const file = join(bin, name);
  writeFileSync(file, "#!/bin/sh\nexit 0\n");
  chmodSync(file, 0o755);
  return bin;
}

function refusal(args: string[], path?: string): string | undefined {
  try {
    refuseMistypedVerb(args, path);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
}

describe("--dry-run means plan", () => {
  it("turns run, or no verb, into plan, and keeps every other word in place", () => {
    expect(dryRunAsPlan(["--dry-run", "--", "dropdb", "app"])).toEqual([
      "plan",
      "--",
      "dropdb",
      "app",
    ]);
    expect(dryRunAsPlan(["run", "--policy", "p.yaml", "--dry-run", "--", "ls"])).toEqual([
      "plan",
      "--policy",
      "p.yaml",
      "--",
      "ls",
    ]);
    expect(dryRunAsPlan(["plan", "--dry-run", "--json", "--", "ls"])).toEqual([
      "plan",
      "--json",
      "--",
      "ls",
    ]);
  });

  it("leaves the guarded command's own --dry-run alone, and other verbs to commander", () => {
    const own = ["--", "terraform", "apply", "--dry-run"];
    expect(dryRunAsPlan(own)).toBe(own);
    const procedure = ["procedure", "run", "switchover", "--dry-run"];
    expect(dryRunAsPlan(procedure)).toBe(procedure);
  });
});

describe("a mistyped verb", () => {
  it("is suggested when it is close to a verb and no program of that name is on PATH", () => {
    expect(refusal(["plna"], "/nonexistent")).toBe(
      "unknown command 'plna': did you mean 'plan' (preflight plan)? A command to guard goes after --: preflight -- plna …",
    );
    expect(refusal(["polcy", "validate"], "/nonexistent")).toMatch(
      /^unknown command 'polcy': did you mean 'policy' \(preflight policy validate\)\?/,
    );
    expect(refusal(["audti", "list"], "/nonexistent")).toContain("did you mean 'audit'");
  });

  it("is left to the 'put -- between' message when a program of that name is on PATH", () => {
    expect(refusal(["plna", "x"], program("plna"))).toBeUndefined();
    // rm is 2 edits from run; it is a program, and the usual mistake is a missing --.
    expect(refusal(["rm", "-rf", "/"], program("rm"))).toBeUndefined();
  });

  it("before -- is never the guarded program: a close word is a typo, any other word is named", () => {
    expect(refusal(["plna", "--", "ls"], program("plna"))).toContain("did you mean 'plan'?");
    expect(refusal(["frobnicate", "--", "ls"])).toMatch(
      /^'frobnicate' is neither a preflight command nor an option \(commands: run, plan/,
    );
  });

  it("does nothing for a verb, an option, or a word far from every verb", () => {
    for (const args of [["plan"], ["--policy", "p"], ["--", "plna"], ["kubectl", "delete"], []])
      expect(refusal(args, "/nonexistent")).toBeUndefined();
  });

  it("finds the nearest verb within two edits (one for two-letter words)", () => {
    expect(nearestVerb("paln")).toBe("plan");
    expect(nearestVerb("polciy")).toBe("policy");
    expect(nearestVerb("chek")).toBe("check");
    expect(nearestVerb("ru")).toBe("run");
    expect(nearestVerb("ls")).toBeUndefined();
    expect(nearestVerb("kubectl")).toBeUndefined();
  });

  it("looks programs up on PATH, or as a path when the word has a slash", () => {
    const dir = program("some-tool");
    expect(isProgramOnPath("some-tool", `/nonexistent:${dir}`)).toBe(true);
    expect(isProgramOnPath("some-tool", "/nonexistent")).toBe(false);
    expect(isProgramOnPath(join(dir, "some-tool"), undefined)).toBe(true);
  });
});

describe("commander's errors in our words", () => {
  it("keeps its suggestion on the same line", () => {
    expect(usageMessage("error: unknown command 'valdate'\n(Did you mean validate?)")).toBe(
      "unknown command 'valdate'; did you mean validate? (preflight --help shows usage)",
    );
  });

  it("points other tools' options at ours", () => {
    expect(usageMessage("error: unknown option '-o'")).toBe(
      "unknown option '-o' — for JSON, use plan --json (the verdict on stdout) or --report FILE (any run) (preflight --help shows usage)",
    );
    expect(usageMessage("error: unknown option '--yes'")).toContain("--confirm NAME");
    expect(usageMessage("error: unknown option '--frob'")).toBe(
      "unknown option '--frob' (preflight --help shows usage)",
    );
  });
});
