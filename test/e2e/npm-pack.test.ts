/**
 * The package as a user installs it, with the README's install commands: `npm pack` (which
 * builds dist/ in `prepack`), then the tarball installed globally into a temporary prefix
 * and as a devDependency of a temporary project; then `preflight` run from a folder outside
 * this repository. The dependencies come from npm's cache (or the registry when the cache
 * lacks them).
 *
 * The tarball is packed from a copy of the sources (with this repository's node_modules
 * linked in), so `prepack`'s build never replaces the dist/ that other tests are running.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, SYSTEM_PATH } from "../helpers/exec.js";
import { FAKE_FLY, readFlyCalls, writePipelines } from "../helpers/fake-fly.js";

const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
};
const TARBALL = `${PACKAGE.name}-${PACKAGE.version}.tgz`;
/** What `npm pack` needs to build: the package's files and the build's inputs. */
const SOURCES = [
  "package.json",
  "README.md",
  "bin",
  "docs",
  "native",
  "policies",
  "schema",
  "scripts",
  "src",
];
const INSTALL_TIMEOUT = 240_000;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (never through a shell), with a clean environment plus `env`. */
function run(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd,
      env: {
        PATH: SYSTEM_PATH,
        HOME: process.env.HOME ?? tmpdir(),
        // npm's cache and configuration stay the user's: that is what makes it work offline.
        ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
        NO_COLOR: "1",
        CI: "true",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const NPM_QUIET = ["--no-audit", "--no-fund", "--prefer-offline"];

describe("the npm package", () => {
  let root: string;
  let tarball: string;
  let prefix: string;
  /** Outside the repository, with a fake fly first on PATH and the state it works on. */
  let elsewhere: string;
  let env: Record<string, string>;
  let packOutput: Result;
  let globalInstall: Result;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "preflight-pack-"));
    const staging = join(root, "staging");
    for (const name of SOURCES)
      cpSync(join(REPO_ROOT, name), join(staging, name), { recursive: true });
    symlinkSync(join(REPO_ROOT, "node_modules"), join(staging, "node_modules"));

    // The README's "from a clone" install: npm pack, then npm install -g of the tarball.
    packOutput = await run(
      ["npm", "pack", "--pack-destination", root],
      staging,
      {},
      INSTALL_TIMEOUT,
    );
    tarball = join(root, TARBALL);
    prefix = join(root, "prefix");
    globalInstall = await run(
      ["npm", "install", "-g", "--prefix", prefix, ...NPM_QUIET, tarball],
      root,
      {},
      INSTALL_TIMEOUT,
    );

    elsewhere = join(root, "elsewhere");
    mkdirSync(join(elsewhere, "bin"), { recursive: true });
    cpSync(FAKE_FLY, join(elsewhere, "bin", "fly"));
    writePipelines(join(elsewhere, "pipelines.json"), ["main", "docs"]);
    env = {
      PATH: `${join(prefix, "bin")}:${join(elsewhere, "bin")}:${SYSTEM_PATH}`,
      PREFLIGHT_AUDIT_LOG: join(elsewhere, "audit.jsonl"),
      PREFLIGHT_CACHE_DIR: join(elsewhere, "cache"),
      FAKE_FLY_STATE: join(elsewhere, "pipelines.json"),
      FAKE_FLY_LOG: join(elsewhere, "fly.log"),
    };
  }, 2 * INSTALL_TIMEOUT);

  // Two installs are ~120 MB of small files: removing them takes a while on a busy disk.
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  }, INSTALL_TIMEOUT);

  it("packs the built dist/ and installs without running any script of its own", () => {
    expect(packOutput.code, packOutput.stderr).toBe(0);
    expect(existsSync(tarball)).toBe(true);
    // prepack built dist/ in the copy; the tarball lists it.
    expect(packOutput.stderr).toMatch(/dist\/cli\.cjs/);
    expect(packOutput.stderr).not.toMatch(/\bsrc\//);
    expect(globalInstall.code, globalInstall.stderr).toBe(0);
    // npm names a package whose install scripts it would run (or refuses to): there is none.
    expect(globalInstall.stderr).not.toMatch(/install-scripts|allowScripts|prepare/);
    const installed = join(prefix, "lib", "node_modules", PACKAGE.name);
    expect(readdirSync(installed).sort()).toEqual(
      expect.arrayContaining(["bin", "dist", "docs", "package.json", "policies", "schema"]),
    );
    expect(existsSync(join(installed, "src"))).toBe(false);
    // The native spawner built by prepack ships in dist/, its source beside it.
    if (process.platform === "linux" && spawnSync("cc", ["--version"]).status === 0) {
      expect(
        existsSync(join(installed, "dist", "native", `spawn-linux-${process.arch}.node`)),
      ).toBe(true);
    }
    expect(existsSync(join(installed, "native", "spawn.c"))).toBe(true);
  });

  it("runs as `preflight` from another folder: --version", async () => {
    const result = await run(["preflight", "--version"], elsewhere, env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(PACKAGE.version);
  });

  it("guards a command with its bundled policy from another folder: denied in production, fly never runs, the record is written", async () => {
    const result = await run(
      ["preflight", "--", "fly", "-t", "prod", "destroy-pipeline", "-p", "main"],
      elsewhere,
      env,
    );
    expect(result.code, result.stderr).toBe(66);
    expect(result.stderr).toContain("concourse-destroy-pipeline");
    expect(readFlyCalls(join(elsewhere, "fly.log"))).toEqual([]);
    const records = readFileSync(join(elsewhere, "audit.jsonl"), "utf8").trim().split("\n");
    const record = JSON.parse(records.at(-1)!) as { outcome: string; policy: { files: string[] } };
    expect(record.outcome).toBe("blocked");
    // The policy it used is the one inside the installed package.
    expect(record.policy.files).toEqual([
      join(prefix, "lib", "node_modules", PACKAGE.name, "policies", "default.yaml"),
    ]);
  });

  it("runs a command no rule matches as it is", async () => {
    const result = await run(["preflight", "--", "fly", "-t", "prod", "pipelines"], elsewhere, env);
    expect(result.code, result.stderr).toBe(0);
    expect(readFlyCalls(join(elsewhere, "fly.log"))).toEqual([["-t", "prod", "pipelines"]]);
  });

  it("validates the policy it finds in the folder it is run from", async () => {
    const project = join(root, "project-with-policy");
    mkdirSync(project);
    writeFileSync(
      join(project, "preflight.yaml"),
      "version: 1\nrules:\n  - id: no-dropdb\n    match: { command: dropdb }\n    decision: deny\n",
    );
    const valid = await run(["preflight", "policy", "validate"], project, env);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout + valid.stderr).toContain("preflight.yaml");

    writeFileSync(
      join(project, "preflight.yaml"),
      "version: 1\nrules:\n  - id: x\n    decision: denied\n",
    );
    const invalid = await run(["preflight", "policy", "validate"], project, env);
    expect(invalid.code).toBe(65);
    expect(invalid.stderr).toContain("preflight.yaml:4");
  });

  it(
    "installs as a devDependency, and `npx --no -- preflight` runs that copy",
    async () => {
      const project = join(root, "project");
      mkdirSync(project);
      writeFileSync(join(project, "package.json"), '{ "name": "ops", "private": true }\n');
      const install = await run(
        ["npm", "install", "--save-dev", ...NPM_QUIET, tarball],
        project,
        {},
        INSTALL_TIMEOUT,
      );
      expect(install.code, install.stderr).toBe(0);
      const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
      expect(Object.keys(pkg.devDependencies)).toEqual([PACKAGE.name]);

      // Not the global copy: PATH has no prefix/bin here. `--no`: never download a package
      // (`preflight` on the registry is someone else's); `--`: the options are preflight's.
      const local = { ...env, PATH: `${join(elsewhere, "bin")}:${SYSTEM_PATH}` };
      const version = await run(["npx", "--no", "--", "preflight", "--version"], project, local);
      expect(version.code, version.stderr).toBe(0);
      expect(version.stdout.trim()).toBe(PACKAGE.version);
    },
    INSTALL_TIMEOUT,
  );
});
