/**
 * The bundles are compiled from V8's code cache (src/boot/load-bundle.ts, and boot itself in
 * bin/preflight.js). On the Node the
 * build ran on, the build's bytecode (dist/code-cache/) fits and nothing is written; where it
 * does not fit (here: a V8 flag the build did not have, --jitless, which V8 counts as another
 * configuration), the first run leaves bytecode of its own in the state folder, private, and
 * later runs use it without rewriting it. Either way the run is the same run.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useWorkspace } from "../helpers/workspace.js";

const list = (dir: string): string[] => {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
};

describe.concurrent("the code cache", { timeout: 60_000 }, () => {
  it("uses the build's bytecode and writes none of its own", async (t) => {
    const ws = useWorkspace(t);
    expect(list(join(import.meta.dirname, "..", "..", "dist", "code-cache"))).toEqual([
      `boot.cjs-${process.version}-${process.arch}.bin`,
      `cli.cjs-${process.version}-${process.arch}.bin`,
      `fast.cjs-${process.version}-${process.arch}.bin`,
    ]);
    for (let i = 0; i < 2; i++) expect((await ws.run(["--", "true"])).exitCode).toBe(0);
    expect(list(join(ws.home, ".local", "state", "preflight", "code-cache"))).toEqual([]);
    expect(ws.auditRecords().map((r) => r.outcome)).toEqual(["no-rule", "no-rule"]);
  });

  it("compiles boot, in bin/preflight.js, from the build's bytecode, which V8 accepts", async (t) => {
    const ws = useWorkspace(t);
    // A --require probe that records every vm.Script compiled with bytecode, and whether V8
    // took it (bin/preflight.js and boot both reach Script through node:vm's exports).
    const out = ws.path("scripts.txt");
    const probe = ws.path("script-probe.cjs");
    writeFileSync(
      probe,
      `const vm = require("node:vm"); const Original = vm.Script; const seen = [];
vm.Script = class extends Original { constructor(source, options) { super(source, options);
  if (options?.cachedData) seen.push(options.filename.slice(options.filename.lastIndexOf("/") + 1) + (this.cachedDataRejected ? " rejected" : " accepted")); } };
process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(out)}, seen.join("\\n")));\n`,
    );
    expect((await ws.run(["--", "true"])).exitCode).toBe(0);
    expect(
      (await ws.run(["--", "true"], { env: { NODE_OPTIONS: `--require ${probe}` } })).exitCode,
    ).toBe(0);
    expect(readFileSync(out, "utf8").split("\n")).toEqual([
      "boot.cjs accepted",
      "fast.cjs accepted",
    ]);
  });

  it("where the build's bytecode does not fit, leaves its own once, private, and reuses it", async (t) => {
    const ws = useWorkspace(t);
    const env = { NODE_OPTIONS: "--jitless" };
    const own = join(ws.home, ".local", "state", "preflight", "code-cache");

    expect((await ws.run(["--", "true"], { env })).exitCode).toBe(0);
    const files = list(own);
    expect(files.map((f) => f.replace(/^[^-]+-[^-]+-/, ""))).toEqual([
      `cli.cjs-${process.version}-${process.arch}.bin`,
      `fast.cjs-${process.version}-${process.arch}.bin`,
    ]);
    expect(statSync(own).mode & 0o777).toBe(0o700);
    const before = files.map((f) => statSync(join(own, f)));
    for (const stat of before) expect(stat.mode & 0o777).toBe(0o600);

    // A guarded command, refused, and an unguarded one: same answers, bytecode not rewritten.
    const refused = await ws.run(["--", "fly", "-t", "prod", "destroy-pipeline", "-p", "main"], {
      env,
    });
    expect(refused.exitCode).toBe(66);
    expect((await ws.run(["--", "true"], { env })).exitCode).toBe(0);
    const after = files.map((f) => statSync(join(own, f)));
    expect(after.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));
    expect(ws.auditRecords().map((r) => r.outcome)).toEqual(["no-rule", "blocked", "no-rule"]);
    expect(ws.flyCalls()).toEqual([]);
  });

  it("PREFLIGHT_NO_CACHE=1 leaves no bytecode anywhere", async (t) => {
    const ws = useWorkspace(t);
    const env = { NODE_OPTIONS: "--jitless", PREFLIGHT_NO_CACHE: "1" };
    expect((await ws.run(["--", "true"], { env })).exitCode).toBe(0);
    expect(list(join(ws.home, ".local", "state", "preflight", "code-cache"))).toEqual([]);
  });
});
