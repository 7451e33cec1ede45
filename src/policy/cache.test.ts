import { createHmac } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { yaml } from "../../test/helpers/policy-factory.js";
import { PolicyError } from "../errors.js";
import { cacheDirectory, cacheKey } from "./cache.js";
import { loadPolicy } from "./load.js";

let root: string;
let cacheDir: string;
let policyFile: string;

const opsPolicy = yaml`
  version: 1
  rules:
    - id: fly-destroy
      match: { command: fly, args: [destroy-pipeline] }
      decision: confirm
`;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "preflight-cache-"));
  cacheDir = join(root, "cache");
  policyFile = join(root, "ops.yaml");
  writeFileSync(policyFile, opsPolicy);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function load(env: Record<string, string> = { PREFLIGHT_CACHE_DIR: cacheDir }) {
  return loadPolicy({ explicit: [policyFile], env, cwd: root, home: root });
}

function cachedFiles(): string[] {
  return existsSync(cacheDir) ? readdirSync(cacheDir) : [];
}

/** A cache entry: the seal (HMAC of the JSON under the per-user key), a newline, the JSON. */
function readEntry(file: string) {
  const text = readFileSync(file, "utf8");
  return JSON.parse(text.slice(text.indexOf("\n") + 1));
}

/**
 * Rewrites every cached entry's rule id, so a load that returns it is known to come from the
 * cache; with `reseal`, signs it again with the user's key, as preflight itself would.
 */
function markCachedEntries(marker: string, reseal = true): void {
  const sealKey = readFileSync(join(root, ".local", "state", "preflight", "cache.key"));
  for (const name of cachedFiles()) {
    const file = join(cacheDir, name);
    const cached = readEntry(file);
    cached.rules[0].id = marker;
    const json = JSON.stringify(cached);
    const seal = reseal
      ? createHmac("sha256", sealKey).update(json).digest("hex")
      : readFileSync(file, "utf8").slice(0, 64);
    writeFileSync(file, `${seal}\n${json}`);
  }
}

describe("loadPolicy with the compiled-policy cache", () => {
  it("writes the compiled policy to the cache on the first load", async () => {
    const { policy } = await load();
    const entries = cachedFiles();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^policy-[0-9a-f]{64}\.json$/);
    expect(readEntry(join(cacheDir, entries[0]!))).toEqual(policy);
  });

  it("never believes an entry edited without the user's key (a cache restored in CI, say)", async () => {
    await load();
    markCachedEntries("planted", false);
    const { policy } = await load();
    expect(policy.rules[0]?.id).toBe("fly-destroy");
  });

  it("serves a second load of the same files from the cache", async () => {
    await load();
    markCachedEntries("from-cache");
    const { policy } = await load();
    expect(policy.rules[0]?.id).toBe("from-cache");
  });

  it("never serves an edited policy stale: one changed byte recompiles it", async () => {
    const first = await load();
    markCachedEntries("from-cache");
    writeFileSync(policyFile, opsPolicy.replace("id: fly-destroy", "id: fly-destroX"));
    const second = await load();
    expect(second.policy.rules[0]?.id).toBe("fly-destroX");
    expect(second.policy.sha256).not.toBe(first.policy.sha256);
    expect(cachedFiles()).toHaveLength(2);
  });

  it("tells files apart by path as well as content", async () => {
    await load();
    const other = join(root, "copy.yaml");
    writeFileSync(other, opsPolicy);
    markCachedEntries("from-cache");
    const { policy } = await loadPolicy({
      explicit: [other],
      env: { PREFLIGHT_CACHE_DIR: cacheDir },
      cwd: root,
      home: root,
    });
    expect(policy.rules[0]?.id).toBe("fly-destroy");
    expect(policy.files).toEqual([other]);
  });

  it("is bypassed with PREFLIGHT_NO_CACHE=1: nothing written, nothing read", async () => {
    await load();
    markCachedEntries("from-cache");
    const { policy } = await load({ PREFLIGHT_CACHE_DIR: cacheDir, PREFLIGHT_NO_CACHE: "1" });
    expect(policy.rules[0]?.id).toBe("fly-destroy");

    rmSync(cacheDir, { recursive: true });
    await load({ PREFLIGHT_CACHE_DIR: cacheDir, PREFLIGHT_NO_CACHE: "1" });
    expect(cachedFiles()).toEqual([]);
  });

  it("recompiles when a cache entry is unreadable", async () => {
    await load();
    for (const name of cachedFiles()) writeFileSync(join(cacheDir, name), "{ not json");
    const { policy } = await load();
    expect(policy.rules[0]?.id).toBe("fly-destroy");
  });

  it("still loads when the cache folder cannot be written", async () => {
    const blocked = join(root, "a-file");
    writeFileSync(blocked, "");
    const { policy } = await load({ PREFLIGHT_CACHE_DIR: join(blocked, "cache") });
    expect(policy.rules[0]?.id).toBe("fly-destroy");
  });

  it("caches nothing for an invalid policy, and rejects it every time", async () => {
    writeFileSync(policyFile, "version: 2\n");
    await expect(load()).rejects.toBeInstanceOf(PolicyError);
    await expect(load()).rejects.toBeInstanceOf(PolicyError);
    expect(cachedFiles()).toEqual([]);
  });

  it("reports a policy file that cannot be read as a PolicyError naming it", async () => {
    // A folder named like a policy file passes discovery but cannot be read as one.
    const policies = join(root, "policies");
    mkdirSync(join(policies, "broken.yaml"), { recursive: true });
    writeFileSync(join(policies, "ok.yaml"), opsPolicy);
    const failure = await loadPolicy({
      explicit: [policies],
      env: {},
      cwd: root,
      home: root,
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PolicyError);
    expect((failure as PolicyError).problems).toEqual([
      expect.objectContaining({
        file: join(policies, "broken.yaml"),
        message: expect.stringContaining("cannot read the policy"),
      }),
    ]);
  });
});

describe("cacheDirectory", () => {
  it.each<[Record<string, string>, string | undefined]>([
    [{}, "/home/ops/.cache/preflight"],
    [{ XDG_CACHE_HOME: "/xdg" }, "/xdg/preflight"],
    [{ PREFLIGHT_CACHE_DIR: "/custom", XDG_CACHE_HOME: "/xdg" }, "/custom"],
    [{ PREFLIGHT_NO_CACHE: "1", PREFLIGHT_CACHE_DIR: "/custom" }, undefined],
  ])("%j → %s", (env, expected) => {
    expect(cacheDirectory(env, "/home/ops")).toBe(expected);
  });
});

describe("cacheKey", () => {
  it("changes with the content hash and with the file list", () => {
    const key = cacheKey(["/a.yaml"], "1".repeat(64));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(["/a.yaml"], "1".repeat(64))).toBe(key);
    expect(cacheKey(["/a.yaml"], "2".repeat(64))).not.toBe(key);
    expect(cacheKey(["/b.yaml"], "1".repeat(64))).not.toBe(key);
    expect(cacheKey(["/a.yaml", "/b.yaml"], "1".repeat(64))).not.toBe(key);
  });
});

describe("the cache's sealing key", () => {
  it("is not used when it is empty or cut short: nothing is served from the cache", async () => {
    const keyFile = join(root, ".local", "state", "preflight", "cache.key");
    mkdirSync(join(root, ".local", "state", "preflight"), { recursive: true });
    writeFileSync(keyFile, "");
    await load();
    expect(cachedFiles()).toEqual([]);
  });
});
