/**
 * The wrapped command started by preflight's native spawner (native/spawn.c): `preflight run`
 * as a user runs it, watched by a --require probe that records which shared objects the
 * process loaded. The command's stdin, stdout, stderr and exit status must reach the caller
 * as they do with Node's own spawn (PREFLIGHT_NO_NATIVE=1), on the fast path and in the full
 * CLI alike, and the audit record must be the same.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundleProbe } from "../helpers/bundle-probe.js";
import { withoutVolatileFields } from "../helpers/report.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const nativeExpected = process.platform === "linux" && spawnSync("cc", ["--version"]).status === 0;

/**
 * Which .node files a run loaded (process.dlopen), and which files it read through the
 * addon's mappings (its mapBytes and mapText), recorded by a --require probe.
 */
function dlopenProbe(ws: Workspace) {
  const out = ws.path("dlopened.txt");
  const script = ws.path("dlopen-probe.cjs");
  writeFileSync(
    script,
    `const fs = require("node:fs"); const seen = []; const dlopen = process.dlopen;
process.dlopen = function (module, file, ...rest) {
  seen.push(file);
  const result = dlopen.call(this, module, file, ...rest);
  const map = module.exports.mapBytes;
  if (typeof map === "function") module.exports.mapBytes = (path) => { seen.push("mapped " + path); return map(path); };
  const mapText = module.exports.mapText;
  if (typeof mapText === "function") module.exports.mapText = (path) => { const text = mapText(path); seen.push(path + " as a " + (typeof text)); return text; };
  return result;
};
process.on("exit", () => fs.writeFileSync(${JSON.stringify(out)}, seen.map((f) => f.slice(f.lastIndexOf("/") + 1)).join("\\n")));\n`,
  );
  let last: string[] = [];
  const read = () => {
    const text = existsSync(out) ? readFileSync(out, "utf8") : "";
    rmSync(out, { force: true });
    last = text.split("\n").filter(Boolean);
  };
  return {
    env: { NODE_OPTIONS: `--require ${script}` },
    /** The .node files loaded by the last run; read once, after it. */
    loaded: () => {
      read();
      return last.filter((name) => name.endsWith(".node"));
    },
    /** The files the last run read through the mapping, after loaded(). */
    mapped: () => last.filter((name) => !name.endsWith(".node")),
  };
}

const COMMAND = ["sh", "-c", "echo out; echo err >&2; cat; exit 3"];

describe.concurrent("the native spawner, end to end", { timeout: 60_000 }, () => {
  it("starts the command no rule matches on the fast path, with its stdio and exit status passed through", async (t) => {
    const ws = useWorkspace(t);
    const probe = dlopenProbe(ws);
    const watch = bundleProbe(ws);
    // Compiles the policy into the cache: the runs below take the fast path.
    expect((await ws.run(["--", "true"])).exitCode).toBe(0);
    const runs = [];
    for (const env of [{}, { PREFLIGHT_NO_NATIVE: "1" }]) {
      const run = await ws.run(["--", ...COMMAND], {
        env: { NODE_OPTIONS: `${probe.env.NODE_OPTIONS} ${watch.env.NODE_OPTIONS}`, ...env },
        input: "in\n",
      });
      runs.push({
        ...run,
        loaded: probe.loaded(),
        mapped: probe.mapped(),
        bundles: watch.bundles(),
      });
    }
    const [native, node] = runs;
    for (const run of runs) {
      expect(run.exitCode).toBe(3);
      expect(run.stdout).toBe("out\nin\n");
      expect(run.stderr).toContain("err\n");
      expect(run.stderr).toContain("preflight: command-failed (exit 3) — the command exited 3");
    }
    expect(native!.bundles).toEqual(["boot.cjs", "fast.cjs"]);
    expect(node!.bundles).toEqual(["boot.cjs", "fast.cjs"]);
    expect(native!.loaded).toEqual(nativeExpected ? [`spawn-linux-${process.arch}.node`] : []);
    expect(node!.loaded).toEqual([]);
    // Boot asked the addon to map the fast bundle's source, which came back as a string, and
    // its bytecode (native/map-file.c); that the mappings are what V8 is given is
    // src/boot/load-bundle.test.ts's.
    expect(native!.mapped).toEqual(
      nativeExpected
        ? ["fast.cjs as a string", `fast.cjs-${process.version}-${process.arch}.bin`]
        : [],
    );
    expect(node!.mapped).toEqual([]);
    const records = ws.auditRecords().slice(1);
    expect(records).toHaveLength(2);
    expect(withoutVolatileFields(records[0]!)).toEqual(withoutVolatileFields(records[1]!));
    expect(records[0]).toMatchObject({ outcome: "command-failed", commandExitCode: 3 });
  });

  it("is what the full CLI starts commands with too", async (t) => {
    const ws = useWorkspace(t);
    const probe = dlopenProbe(ws);
    // With the cache off the fast path declines and the full CLI runs the command.
    const run = await ws.run(["--", ...COMMAND], {
      env: { ...probe.env, PREFLIGHT_NO_CACHE: "1" },
      input: "in\n",
    });
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toBe("out\nin\n");
    expect(probe.loaded()).toEqual(nativeExpected ? [`spawn-linux-${process.arch}.node`] : []);
  });

  it("reports a program that is not there or cannot run as Node's spawn does", async (t) => {
    const ws = useWorkspace(t);
    writeFileSync(ws.path("not-executable"), "echo no\n");
    for (const env of [{}, { PREFLIGHT_NO_NATIVE: "1" }]) {
      const missing = await ws.run(["--", "no-such-program-anywhere"], { env });
      expect(missing.exitCode).toBe(127);
      expect(missing.stderr).toContain("'no-such-program-anywhere' was not found");
      const refused = await ws.run(["--", "./not-executable"], { env });
      expect(refused.exitCode).toBe(126);
      expect(refused.stderr).toContain("'./not-executable' is not executable");
    }
  });
});
