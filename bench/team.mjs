#!/usr/bin/env node
/**
 * The team database's figures (`npm run build && PREFLIGHT_DATABASE_URL=… node bench/team.mjs`),
 * against a PostgreSQL you start (its schema is created with `preflight team init`):
 *
 *   1. records per second sustained by 20 concurrent writers, each its own process appending
 *      to one team's chain: (a) each holding one connection, one record per transaction;
 *      (b) as the CLI does it, a new connection per record;
 *   2. the added latency of a guarded run with the shared audit on: the median wall time of
 *      `preflight run -- deploy staging` (a rule that allows it, so it runs and is recorded)
 *      with and without PREFLIGHT_DATABASE_URL, interleaved.
 *
 * Options: --writers N (20), --seconds S (10), --runs N (15).
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "preflight.js");
const url = process.env.PREFLIGHT_DATABASE_URL;
const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};

if (process.argv[2] === "--writer") {
  // One writer: append records to team `bench-<run>` until the deadline; print how many.
  const team = createRequire(import.meta.url)(join(ROOT, "dist", "team.cjs"));
  const [, , , teamName, seconds, mode] = process.argv;
  // Every writer says it has loaded, then waits for the line that starts them all at once:
  // starting 20 Node processes on a busy machine takes seconds that must not count.
  process.stdout.write("ready\n");
  const startedAt = await new Promise((r) =>
    process.stdin.once("data", (d) => r(Number(String(d)))),
  );
  const deadline = startedAt + Number(seconds) * 1000;
  const record = (n) => ({
    recordId: randomUUID(),
    team: teamName,
    actor: `bench-${process.pid}`,
    record: {
      command: ["deploy", "staging", String(n)],
      outcome: "ok",
      startedAt: new Date().toISOString(),
    },
  });
  let count = 0;
  const db = mode === "pooled" ? await team.connect({ url }) : undefined;
  while (Date.now() < deadline) {
    const conn = db ?? (await team.connect({ url }));
    await team.appendShared(conn, teamName, [record(count)]);
    if (!db) await conn.end();
    count++;
  }
  await db?.end();
  // No process.exit: it could cut the write to the pipe.
  process.stdout.write(`count ${count}\n`);
  process.stdin.destroy();
} else {
  await main();
}

async function main() {
  if (!url) {
    console.error(
      "set PREFLIGHT_DATABASE_URL to a PostgreSQL you started (see the comment at the top)",
    );
    process.exit(2);
  }

  async function throughput(mode, writers, seconds) {
    const teamName = `bench-${mode}-${Date.now()}`;
    let ready = 0;
    let started = 0;
    const children = [];
    const counts = await Promise.all(
      Array.from(
        { length: writers },
        () =>
          new Promise((done, fail) => {
            const child = spawn(
              process.execPath,
              [fileURLToPath(import.meta.url), "--writer", teamName, String(seconds), mode],
              { stdio: ["pipe", "pipe", "inherit"], env: process.env },
            );
            children.push(child);
            let out = "";
            child.stdout.on("data", (c) => {
              out += c;
              if (String(c).includes("ready") && ++ready === writers) {
                started = Date.now();
                for (const each of children) each.stdin.write(`${started}\n`);
              }
            });
            child.on("close", (code) =>
              code === 0
                ? done(Number(/count (\d+)/.exec(out)?.[1] ?? Number.NaN))
                : fail(new Error(`writer exited ${code}`)),
            );
          }),
      ),
    );
    const deadline = started + seconds * 1000;
    if (process.env.BENCH_DEBUG) console.error(counts);
    const total = counts.reduce((a, b) => a + b, 0);
    const elapsed = (Date.now() - started) / 1000;
    const verify = spawnSync(process.execPath, [BIN, "audit", "verify", "--team"], {
      env: { ...process.env, PREFLIGHT_TEAM: teamName },
      encoding: "utf8",
    });
    return {
      total,
      perSecond: (total / (deadline - started)) * 1000,
      elapsed,
      verified: verify.status === 0 ? verify.stdout.trim() : verify.stderr.trim(),
    };
  }

  function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  function guardedLatency(runs) {
    const dir = mkdtempSync(join(tmpdir(), "preflight-team-bench-"));
    mkdirSync(join(dir, "bin"));
    writeFileSync(join(dir, "bin", "deploy"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    writeFileSync(
      join(dir, "preflight.yaml"),
      "version: 1\nenvironments:\n  staging: { match: { target: [staging] } }\nrules:\n  - id: deploy\n    match: { command: deploy }\n    environment: { position: 1 }\n    decision: allow\n",
    );
    const base = {
      ...process.env,
      PATH: `${join(dir, "bin")}:${process.env.PATH}`,
      PREFLIGHT_AUDIT_LOG: join(dir, "audit.jsonl"),
      PREFLIGHT_TEAM: "bench-latency",
      CI: "true",
    };
    const time = (env) => {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [BIN, "run", "--", "deploy", "staging"], {
        cwd: dir,
        env,
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(r.stderr);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const without = { ...base };
    delete without.PREFLIGHT_DATABASE_URL;
    time(without);
    time(base);
    const a = [];
    const b = [];
    for (let i = 0; i < runs; i++) {
      a.push(time(without));
      b.push(time(base));
    }
    rmSync(dir, { recursive: true, force: true });
    return { without: median(a), with: median(b) };
  }

  const writers = option("writers", 20);
  const seconds = option("seconds", 10);
  const pooled = await throughput("pooled", writers, seconds);
  const perRecord = await throughput("connect", writers, seconds);
  const latency = guardedLatency(option("runs", 15));
  console.log(`preflight team bench — node ${process.version}`);
  console.log(
    `1a. ${writers} writers, one connection each: ${pooled.total} records in ${seconds} s = ${pooled.perSecond.toFixed(0)} records/s; ${pooled.verified}`,
  );
  console.log(
    `1b. ${writers} writers, a connection per record (as the CLI): ${perRecord.total} records = ${perRecord.perSecond.toFixed(0)} records/s; ${perRecord.verified}`,
  );
  console.log(
    `2.  guarded run (rule allows, recorded), median of ${option("runs", 15)}: ${latency.without.toFixed(1)} ms without the team database, ${latency.with.toFixed(1)} ms with it (+${(latency.with - latency.without).toFixed(1)} ms)`,
  );
}
