/**
 * One temporary folder per test: `bin/` with the fake `fly` first on PATH, the fake
 * Concourse's `pipelines.json`, fly's call log, the audit log, the policy cache and a home
 * folder — so runs never touch the developer's own state or each other's.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type TestContext } from "vitest";
import {
  type ExecOptions,
  type ExecResult,
  type RunningPreflight,
  runPreflight,
  SYSTEM_PATH,
  startPreflight,
} from "./exec.js";
import { FAKE_FLY, flyCallsOf, readFlyCalls, readPipelines, writePipelines } from "./fake-fly.js";
import type { AuditRecord, Report } from "./report.js";

export const FIXTURES = join(import.meta.dirname, "..", "e2e", "fixtures");

/** A fixture policy under test/e2e/fixtures. */
export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export const DEFAULT_PIPELINES = ["main", "docs", "ops"] as const;

type RunOverrides = Partial<Omit<ExecOptions, "env">> & {
  env?: Record<string, string | undefined>;
};

export class Workspace {
  readonly root: string;
  readonly bin: string;
  readonly home: string;
  readonly pipelinesFile: string;
  readonly flyLog: string;
  readonly auditLog: string;
  readonly cacheDir: string;
  /** Where tests ask for the report (`--report`), by convention. */
  readonly reportFile: string;

  constructor(pipelines: readonly string[] = DEFAULT_PIPELINES) {
    this.root = mkdtempSync(join(tmpdir(), "preflight-e2e-"));
    this.bin = join(this.root, "bin");
    this.home = join(this.root, "home");
    this.pipelinesFile = join(this.root, "pipelines.json");
    this.flyLog = join(this.root, "fly.log");
    this.auditLog = join(this.root, "state", "audit.jsonl");
    this.cacheDir = join(this.root, "cache");
    this.reportFile = join(this.root, "report.json");
    mkdirSync(this.bin);
    mkdirSync(this.home);
    this.installScript("fly", readFileSync(FAKE_FLY, "utf8"));
    writePipelines(this.pipelinesFile, pipelines);
  }

  /** The environment of every run: clean, with the fake bin first on PATH. */
  get env(): Record<string, string> {
    return {
      PATH: `${this.bin}:${SYSTEM_PATH}`,
      HOME: this.home,
      NO_COLOR: "1",
      CI: "true",
      PREFLIGHT_AUDIT_LOG: this.auditLog,
      PREFLIGHT_CACHE_DIR: this.cacheDir,
      FAKE_FLY_STATE: this.pipelinesFile,
      FAKE_FLY_LOG: this.flyLog,
    };
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** An executable in the fake bin folder, e.g. a stand-in for dropdb. */
  installScript(name: string, text: string): string {
    const file = join(this.bin, name);
    writeFileSync(file, text);
    chmodSync(file, 0o755);
    return file;
  }

  /** Runs preflight in this workspace; `env` entries are added to (or, when undefined, removed from) the workspace's. */
  run(args: readonly string[], overrides: RunOverrides = {}): Promise<ExecResult> {
    return runPreflight(args, this.options(overrides));
  }

  start(args: readonly string[], overrides: RunOverrides = {}): RunningPreflight {
    return startPreflight(args, this.options(overrides));
  }

  private options(overrides: RunOverrides): ExecOptions {
    return {
      ...overrides,
      cwd: overrides.cwd ?? this.root,
      env: { ...this.env, ...overrides.env },
    };
  }

  pipelines(): string[] {
    return readPipelines(this.pipelinesFile);
  }

  setPipelines(names: readonly string[]): void {
    writePipelines(this.pipelinesFile, names);
  }

  flyCalls(): string[][] {
    return readFlyCalls(this.flyLog);
  }

  /** Whether fly ran this subcommand at all (e.g. "destroy-pipeline"). */
  flyRan(subcommand: string): boolean {
    return flyCallsOf(this.flyLog, subcommand).length > 0;
  }

  readReport(file: string = this.reportFile): Report {
    return JSON.parse(readFileSync(file, "utf8")) as Report;
  }

  auditText(): string {
    return readFileSync(this.auditLog, "utf8");
  }

  auditRecords(): AuditRecord[] {
    return this.auditText()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as AuditRecord);
  }

  cleanup(): void {
    if (process.env.PREFLIGHT_E2E_KEEP === "1") return;
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * A fresh workspace for the test whose context is given (so it works in concurrent tests),
 * removed when that test ends; PREFLIGHT_E2E_KEEP=1 keeps it for a look.
 */
export function useWorkspace(
  test: Pick<TestContext, "onTestFinished">,
  pipelines?: readonly string[],
): Workspace {
  const workspace = new Workspace(pipelines);
  test.onTestFinished(() => workspace.cleanup());
  return workspace;
}

/** fly's destroy never ran, and the fake Concourse still holds every pipeline, in order. */
export function expectNothingDestroyed(ws: Workspace): void {
  expect(ws.flyRan("destroy-pipeline")).toBe(false);
  expect(ws.pipelines()).toEqual([...DEFAULT_PIPELINES]);
}

/** fly's destroy never ran, and `pipeline` is still there. */
export function expectNotDestroyed(ws: Workspace, pipeline = "main"): void {
  expect(ws.flyRan("destroy-pipeline")).toBe(false);
  expect(ws.pipelines()).toContain(pipeline);
}

/** fly never ran at all (not even a state probe), and the `main` pipeline is still there. */
export function expectFlyNeverRan(ws: Workspace): void {
  expect(ws.flyCalls()).toEqual([]);
  expect(ws.pipelines()).toContain("main");
}
