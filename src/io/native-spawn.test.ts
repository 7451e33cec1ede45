/**
 * preflight's native spawner (native/spawn.c) against Node's own spawn: whatever a command can
 * observe about how it was started must be the same, whichever of the two started it. These
 * run the real addon the build made (npm test builds first) and the real process_wrap path.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ADDON_VERSION,
  loadNativeAddon,
  nativeAddon,
  nativeAddonPath,
  SPAWN_EXITED,
  SPAWN_FAILED,
  SPAWN_STARTED,
} from "../util/native-addon.js";
import { spawnInherited } from "./spawn-inherited.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-native-spawn-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const haveCompiler = spawnSync("cc", ["--version"]).status === 0;
const SPAWNERS = [
  { name: "native", env: {} },
  { name: "node", env: { PREFLIGHT_NO_NATIVE: "1" } },
] as const;

function start(
  argv: string[],
  spawner: (typeof SPAWNERS)[number],
  extra: { env?: Record<string, string>; detached?: boolean; cwd?: string } = {},
) {
  return spawnInherited(argv, {
    cwd: extra.cwd ?? dir,
    env: { PATH: process.env.PATH, ...spawner.env, ...extra.env },
    detached: extra.detached ?? false,
  });
}

describe("the native spawner is built and loads", () => {
  it.runIf(process.platform === "linux" && haveCompiler)(
    "is in dist/native after the build, and is the version this code calls",
    () => {
      expect(existsSync(nativeAddonPath())).toBe(true);
      expect(loadNativeAddon(nativeAddonPath())?.version).toBe(ADDON_VERSION);
      expect(nativeAddon({})).toBeDefined();
      expect(nativeAddon({ PREFLIGHT_NO_NATIVE: "1" })).toBeUndefined();
    },
  );

  it("is passed over when the file is missing or is not an addon", () => {
    expect(loadNativeAddon(join(dir, "missing.node"))).toBeUndefined();
    const notAnAddon = join(dir, "spawn.node");
    writeFileSync(notAnAddon, "not a shared object");
    expect(loadNativeAddon(notAnAddon)).toBeUndefined();
  });

  it.runIf(process.platform === "linux" && haveCompiler)(
    "rejects wrong arguments with a TypeError instead of starting anything",
    () => {
      const spawner = loadNativeAddon(nativeAddonPath())!;
      const call = spawner.spawn as unknown as (...args: unknown[]) => number;
      expect(() => call("true", [], [], dir, false, () => {})).toThrow(TypeError);
      expect(() => call("true", ["true"], [], dir, false, "not a function")).toThrow(TypeError);
      expect(() => call("true", ["true", 3], [], dir, false, () => {})).toThrow(TypeError);
    },
  );
});

describe("the native spawner's thread started ahead (readySpawner)", () => {
  // The spawner's threads are named (native/spawn.c); Node's own come and go as they please.
  const threads = () =>
    readdirSync("/proc/self/task").filter((task) => {
      try {
        return readFileSync(`/proc/self/task/${task}/comm`, "utf8").trim() === "preflight-spawn";
      } catch {
        return false; // it ended between the listing and the read
      }
    }).length;
  const settle = async (expected: number) => {
    for (let i = 0; i < 200 && threads() !== expected; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return threads();
  };

  it.runIf(process.platform === "linux" && haveCompiler)(
    "is one thread however often it is asked for, used by the next command, and gone after it",
    async () => {
      const spawner = loadNativeAddon(nativeAddonPath())!;
      const before = threads();
      spawner.readySpawner();
      spawner.readySpawner();
      expect(await settle(before + 1)).toBe(before + 1);
      const events: number[] = [];
      const exited = new Promise<number>((resolve) =>
        spawner.spawn(
          "sh",
          ["sh", "-c", "exit 3"],
          [`PATH=${process.env.PATH}`],
          dir,
          false,
          (kind, a) => {
            events.push(kind);
            if (kind === SPAWN_EXITED) resolve(a);
          },
        ),
      );
      // The parked thread took the command: no thread was added for it.
      expect(threads()).toBe(before + 1);
      expect(await exited).toBe(3);
      expect(events).toEqual([SPAWN_STARTED, SPAWN_EXITED]);
      expect(await settle(before)).toBe(before);
      // With none parked, a command gets a thread of its own, as before.
      const again = await new Promise<number[]>((resolve) => {
        const seen: number[] = [];
        spawner.spawn(
          "no-such-program-anywhere",
          ["x"],
          ["PATH=/nonexistent"],
          dir,
          false,
          (kind, a) => {
            seen.push(kind, a);
            if (kind !== SPAWN_STARTED) resolve(seen);
          },
        );
      });
      expect(again).toEqual([SPAWN_FAILED, 2]); // ENOENT
    },
  );
});

describe.each(SPAWNERS)("a command started by the $name spawner", (spawner) => {
  it("passes its exit code and the signal that stopped it", async () => {
    expect(await start(["sh", "-c", "exit 7"], spawner).exited).toEqual({ code: 7, signal: null });
    expect(await start(["sh", "-c", "kill -TERM $$"], spawner).exited).toEqual({
      code: null,
      signal: "SIGTERM",
    });
  });

  it("reports what could not start as the errno libuv gives", async () => {
    expect((await start(["no-such-program-anywhere"], spawner).exited).error).toBe("ENOENT");
    writeFileSync(join(dir, "not-executable"), "echo no\n");
    expect((await start(["./not-executable"], spawner).exited).error).toBe("EACCES");
    mkdirSync(join(dir, "refused"));
    writeFileSync(join(dir, "refused", "tool"), "echo no\n", { mode: 0o644 });
    expect(
      (await start(["tool"], spawner, { env: { PATH: join(dir, "refused") } }).exited).error,
    ).toBe("EACCES");
  });

  it("runs a script without #! through /bin/sh, as execvp does", async () => {
    writeFileSync(join(dir, "script"), 'echo "ran with $1" > out\n', { mode: 0o755 });
    expect(await start(["./script", "arg"], spawner).exited).toEqual({ code: 0, signal: null });
    expect(readFileSync(join(dir, "out"), "utf8")).toBe("ran with arg\n");
  });

  it("looks the program up in the PATH it is given, and a later entry where an earlier one lacks it", async () => {
    for (const folder of ["first", "second"]) mkdirSync(join(dir, folder));
    writeFileSync(join(dir, "second", "tool"), `#!/bin/sh\necho second > "$1"\n`, {
      mode: 0o755,
    });
    const env = { PATH: `${join(dir, "first")}:${join(dir, "second")}:/usr/bin:/bin` };
    expect(await start(["tool", join(dir, "out")], spawner, { env }).exited).toEqual({
      code: 0,
      signal: null,
    });
    expect(readFileSync(join(dir, "out"), "utf8")).toBe("second\n");
  });

  it("runs in the working folder given, with the environment given", async () => {
    mkdirSync(join(dir, "work"));
    const exit = await start(["sh", "-c", 'pwd > where; echo "$ONLY_HERE" >> where'], spawner, {
      cwd: join(dir, "work"),
      env: { ONLY_HERE: "yes" },
    }).exited;
    expect(exit.code).toBe(0);
    expect(readFileSync(join(dir, "work", "where"), "utf8")).toBe(`${join(dir, "work")}\nyes\n`);
  });

  it("gets stdin, stdout and stderr, and no descriptor preflight opened", async () => {
    // (Descriptors preflight itself inherited open, from a shell say, pass on as with libuv.)
    const own = openSync(join(dir, "own"), "w");
    try {
      await start(["sh", "-c", `ls /proc/$$/fd > "${join(dir, "fds")}"`], spawner).exited;
    } finally {
      closeSync(own);
    }
    const fds = readFileSync(join(dir, "fds"), "utf8").split("\n").filter(Boolean);
    expect(fds).toEqual(expect.arrayContaining(["0", "1", "2"]));
    expect(fds).not.toContain(String(own));
  });

  it("starts with no signal blocked and SIGPIPE and SIGINT at their defaults", async () => {
    // exec: grep itself reads the mask it got. Read from a child of the shell, the shell's
    // own mask can be caught while it blocks everything around that child's vfork.
    await start(["sh", "-c", "exec grep -E '^Sig(Blk|Ign)' /proc/self/status > status"], spawner)
      .exited;
    const status = Object.fromEntries(
      readFileSync(join(dir, "status"), "utf8")
        .trim()
        .split("\n")
        .map((line) => line.split(/:\s+/) as [string, string]),
    );
    expect(BigInt(`0x${status.SigBlk}`)).toBe(0n);
    const ignored = BigInt(`0x${status.SigIgn}`);
    for (const signal of [2, 13, 15]) expect(ignored & (1n << BigInt(signal - 1))).toBe(0n);
  });

  it("gets a signal sent the moment it was started, before its pid is known", async () => {
    // The native spawner reports the pid a moment later, from its own thread; what is sent
    // before then waits for it, and nothing is sent after the command was reaped.
    const child = start(["sleep", "30"], spawner);
    child.kill("SIGTERM", false);
    expect(await child.exited).toEqual({ code: null, signal: "SIGTERM" });
    expect(child.pid).toBeGreaterThan(0);
    expect(() => child.kill("SIGTERM", false)).not.toThrow();
  });

  it("gets a session and process group of its own when detached, and can be signalled as a group", async () => {
    const child = start(
      ["sh", "-c", `ps -o sid= -o pgid= -p $$ > ids; echo $$ >> ids; sleep 30 & wait`],
      spawner,
      { detached: true },
    );
    for (let i = 0; i < 100 && !existsSync(join(dir, "ids")); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill("SIGTERM", true);
    expect(await child.exited).toEqual({ code: null, signal: "SIGTERM" });
    const [ids, pid] = readFileSync(join(dir, "ids"), "utf8").trim().split("\n");
    expect(ids!.trim().split(/\s+/)).toEqual([pid, pid]);
    expect(pid).toBe(String(child.pid));
  });
});
