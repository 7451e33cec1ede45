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
import { BUILD_STAMP, cacheDirectory, cacheKey, readVerifiedEntry } from "./cache.js";
import { ENTRY_FORMAT } from "./entry-layout.js";
import { decodeEntry } from "./entry-read.js";
import { bufferSource } from "./entry-source.js";
import { encodeEntry } from "./entry-write.js";
import { loadPolicy } from "./load.js";
import { matchRules } from "./match.js";
import { statStamp } from "./stat-index.js";
import type { Policy } from "./types.js";

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

/** A cache entry: the seal (HMAC of the body under the per-user key), a newline, the body. */
function readEntry(file: string): Policy {
  const bytes = readFileSync(file);
  const policy = decodeEntry(bufferSource(bytes.subarray(65)), file);
  return JSON.parse(JSON.stringify(policy));
}

function sealKey(): Buffer {
  return readFileSync(join(root, ".local", "state", "preflight", "cache.key"));
}

/** Writes a body as an entry, sealed with the user's key as preflight itself would. */
function writeSealed(file: string, body: Buffer): void {
  const seal = createHmac("sha256", sealKey()).update(body).digest("hex");
  writeFileSync(file, Buffer.concat([Buffer.from(`${seal}\n`), body]));
}

/**
 * Rewrites every cached entry's rule id, so a load that returns it is known to come from the
 * cache; with `reseal`, signs it again with the user's key, as preflight itself would.
 */
function markCachedEntries(marker: string, reseal = true): void {
  for (const name of cachedFiles()) {
    const file = join(cacheDir, name);
    const cached = readEntry(file);
    cached.rules[0]!.id = marker;
    const body = encodeEntry(cached);
    if (reseal) writeSealed(file, body);
    else writeFileSync(file, Buffer.concat([readFileSync(file).subarray(0, 65), body]));
  }
}

describe("loadPolicy with the compiled-policy cache", () => {
  it("writes the compiled policy to the cache on the first load", async () => {
    const { policy } = await load();
    const entries = cachedFiles();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^policy-[0-9a-f]{64}\.compiled$/);
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

describe("damaged and foreign cache entries", () => {
  function onlyEntry(): string {
    const [name] = cachedFiles();
    return join(cacheDir, name!);
  }

  /** Changes one byte of the entry at the first place `text` is found, keeping its size. */
  function flipByte(file: string, text: string): void {
    const bytes = readFileSync(file);
    const at = bytes.indexOf(text);
    expect(at).toBeGreaterThan(65);
    bytes[at + 1] = bytes[at + 1]! ^ 0x01;
    writeFileSync(file, bytes);
  }

  it("recompiles an entry cut short, sealed or not", async () => {
    await load();
    const file = onlyEntry();
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length - 10));
    expect((await load()).policy.rules[0]?.id).toBe("fly-destroy");
    expect(readFileSync(file)).toEqual(whole);

    writeSealed(file, whole.subarray(65, whole.length - 10));
    expect((await load()).policy.rules[0]?.id).toBe("fly-destroy");
    expect(readFileSync(file)).toEqual(whole);
  });

  it("recompiles an entry with one byte changed in a rule's slice", async () => {
    await load();
    const file = onlyEntry();
    const whole = readFileSync(file);
    flipByte(file, '"destroy-pipeline"');
    const { policy } = await load();
    expect(policy.rules[0]?.args).toEqual(["destroy-pipeline"]);
    expect(readFileSync(file)).toEqual(whole);
  });

  it("recompiles an entry of another layout, even sealed with the user's key", async () => {
    await load();
    const file = onlyEntry();
    const whole = readFileSync(file);
    const body = whole.subarray(65).toString();
    writeSealed(file, Buffer.from(body.replace(`"format":${ENTRY_FORMAT},`, '"format":1,')));
    expect((await load()).policy.rules[0]?.id).toBe("fly-destroy");
    expect(readFileSync(file)).toEqual(whole);

    // The layout before this one: the seal line, then the policy as one JSON document.
    const cached = readEntry(file);
    cached.rules[0]!.id = "old-layout";
    writeSealed(file, Buffer.from(JSON.stringify(cached)));
    expect((await load()).policy.rules[0]?.id).toBe("fly-destroy");
  });

  it("reads an entry the stat index vouches for only while the file stats as recorded", async () => {
    const { policy } = await load();
    const file = onlyEntry();
    const recorded = statStamp(file);
    expect(readVerifiedEntry(recorded, policy.sha256)?.rules[0]?.id).toBe("fly-destroy");
    expect(readVerifiedEntry(recorded, "0".repeat(64))).toBeUndefined();
    // Same size, one byte changed: its ctime (and so its stamp) is no longer the recorded one.
    flipByte(file, '"destroy-pipeline"');
    expect(readVerifiedEntry(recorded, policy.sha256)).toBeUndefined();
  });

  describe("of a policy large enough to be read from the file as needed", () => {
    const RULES = 6_000;
    const large = [
      "version: 1",
      "environments:",
      "  production: { protected: true, match: { target: [prod] } }",
      "rules:",
      ...Array.from(
        { length: RULES },
        (_, i) =>
          `  - { id: r${i}, match: { command: tool${i % 500}, args: [delete-${i}] }, decision: { production: deny } }`,
      ),
      "",
    ].join("\n");

    it("serves it from the cache, parsing the rules a command names, and refuses it damaged", async () => {
      writeFileSync(policyFile, large);
      const compiled = (await load()).policy;
      const file = onlyEntry();
      const whole = readFileSync(file);
      expect(whole.length).toBeGreaterThan(1024 * 1024);

      const cached = (await load()).policy;
      expect(Object.getOwnPropertyDescriptor(cached, "rules")?.get).toBeDefined();
      const argv = ["tool42", "delete-5542", "-t", "prod"];
      expect(matchRules(cached, argv).map((r) => r.id)).toEqual(["r5542"]);
      expect(JSON.stringify(cached)).toBe(JSON.stringify(compiled));

      // The last rule's slice, far past anything a load reads: the seal still covers it.
      flipByte(file, `"r${RULES - 1}"`);
      const reloaded = (await load()).policy;
      expect(reloaded.rules.at(-1)?.id).toBe(`r${RULES - 1}`);
      expect(readFileSync(file)).toEqual(whole);
    }, 60_000);
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

  it("changes with the build, and the build stamp names the entry layout", () => {
    const key = cacheKey(["/a.yaml"], "1".repeat(64));
    expect(cacheKey(["/a.yaml"], "1".repeat(64), "another-build")).not.toBe(key);
    expect(BUILD_STAMP).toContain(`entry-format-${ENTRY_FORMAT}`);
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
