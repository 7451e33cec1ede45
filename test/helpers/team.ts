/**
 * Team tests' machinery: a policy with a team: section, "machines" (a workspace each: its own
 * HOME, local log and spool; its own host name where the test runs as root, through a UTS
 * namespace, `unshare --uts`), and a second person.
 *
 * A second person is simulated as CI does it: CI=true with a different GITHUB_ACTOR, which
 * is where preflight takes a CI run's identity from (src/team/identity.ts). No test passes a
 * user name on preflight's command line: preflight reads none.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanEnv, type ExecResult, PREFLIGHT_BIN } from "./exec.js";
import type { PgServer } from "./postgres.js";
import type { Workspace } from "./workspace.js";

const canSetHost = process.getuid?.() === 0;

/** A policy guarding `deploy` (and `switchover`, which holds a lock) in production. */
export function writeTeamPolicy(ws: Workspace, team: string): string {
  const file = ws.path("preflight.yaml");
  writeFileSync(
    file,
    `version: 1
environments:
  production: { protected: true, match: { target: [prod] } }
  staging: { match: { target: [staging] } }
rules:
  - id: deploy
    match: { command: deploy }
    environment: { position: 1 }
    decision: { production: confirm, "*": allow }
  - id: switchover
    match: { command: switchover }
    environment: { position: 1 }
    resource: { flag: [--cluster] }
    lock: true
procedures:
  pg-switchover:
    environment: { param: env }
    lock: true
    params:
      - { name: env }
      - { name: hold, default: "0" }
    steps:
      - name: promote
        run: 'echo "promote $PARAM_HOLD" >> "${ws.path("steps.log")}"; sleep "$PARAM_HOLD"'
${team}
`,
  );
  return file;
}

/** The superuser's URL (for init and inspection) and a writer's (what operators use). */
export function urls(pg: PgServer): { owner: string; writer: string } {
  return {
    owner: `postgres://postgres@127.0.0.1:${pg.port}/postgres`,
    writer: `postgres://operator:s3cret-pass@127.0.0.1:${pg.port}/postgres`,
  };
}

/** Runs preflight in `ws` as if on the host `host` (the same host when not root). */
export function runOn(
  ws: Workspace,
  host: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
): Promise<ExecResult> {
  const argv = [process.execPath, PREFLIGHT_BIN, ...args];
  const [file, ...rest] = canSetHost
    ? ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', host, ...argv]
    : argv;
  const child = spawn(file!, rest, {
    cwd: ws.root,
    env: cleanEnv({ ...ws.env, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}

export const HOSTS_DIFFER = canSetHost;

/** Creates the operators' login role as a member of preflight_writer (after team init). */
export async function createWriter(pg: PgServer): Promise<void> {
  await pg.psql(
    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'operator') THEN CREATE ROLE operator LOGIN PASSWORD 's3cret-pass' IN ROLE preflight_writer; END IF; END $$",
  );
}

export function deployScript(ws: Workspace): void {
  ws.installScript("deploy", `#!/bin/sh\necho "deploy $*" >> "${join(ws.root, "deploy.log")}"\n`);
}
