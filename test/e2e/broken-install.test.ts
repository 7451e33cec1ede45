/**
 * bin/preflight.js in an installation whose dist/ is missing or mixed from two builds: exit
 * 71, one line saying which bundle is wrong and what to run, no stack trace.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/exec.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "preflight-broken-"));
  cpSync(join(REPO_ROOT, "bin"), join(root, "bin"), { recursive: true });
  mkdirSync(join(root, "dist"));
  copyFileSync(join(REPO_ROOT, "dist", "boot.cjs"), join(root, "dist", "boot.cjs"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = () =>
  spawnSync(process.execPath, [join(root, "bin", "preflight.js"), "run", "--", "true"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: root },
  });

describe("a broken installation", () => {
  it("names a missing bundle and says to build", () => {
    const result = run();
    expect(result.status).toBe(71);
    expect(result.stderr).toBe(
      "preflight: internal-error (exit 71) — dist/fast.cjs is missing: this is a source checkout that was not built\n  what to do: run `npm run build` in the repository (npm install and npm test also build it)\n",
    );
  });

  it("names a bundle from another build than boot's and says to build", () => {
    writeFileSync(
      join(root, "dist", "fast.cjs"),
      '"use strict";\nexports.startUnguardedRun = () => false;\n',
    );
    const result = run();
    expect(result.status).toBe(71);
    expect(result.stderr).toBe(
      "preflight: internal-error (exit 71) — dist/fast.cjs is from another build than dist/boot.cjs\n  what to do: run `npm run build` in the repository (npm install and npm test also build it)\n",
    );
  });
});
