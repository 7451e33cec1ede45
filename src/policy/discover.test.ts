import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PolicyError } from "../errors.js";
import { BUNDLED_POLICY, discoverPolicy } from "./discover.js";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "preflight-discover-"));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Creates policy files (paths relative to the temp root) and returns their absolute paths. */
function files(...paths: string[]): string[] {
  return paths.map((path) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "version: 1\n");
    return file;
  });
}

function folder(path: string): string {
  const dir = join(root, path);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function discover(options: { explicit?: string[]; env?: Record<string, string>; cwd?: string }) {
  return discoverPolicy({
    explicit: options.explicit ?? [],
    env: options.env ?? {},
    cwd: options.cwd ?? root,
  });
}

function ancestors(dir: string): string[] {
  const parent = dirname(dir);
  return parent === dir ? [dir] : [dir, ...ancestors(parent)];
}

function rejection(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error("expected a PolicyError");
}

describe("discoverPolicy order", () => {
  it("takes --policy first, over PREFLIGHT_POLICY and the working folder", () => {
    const [explicit, fromEnv] = files("explicit.yaml", "env.yaml", "preflight.yaml");
    const source = discover({ explicit: [explicit!], env: { PREFLIGHT_POLICY: fromEnv! } });
    expect(source).toEqual({ files: [explicit], origin: "--policy" });
  });

  it("keeps several --policy paths in the order given, relative ones from cwd", () => {
    const [a, b] = files("b.yaml", "a.yaml");
    expect(discover({ explicit: ["b.yaml", "a.yaml"] }).files).toEqual([a, b]);
  });

  it("takes PREFLIGHT_POLICY next, split on ':'", () => {
    const [a, b] = files("one/a.yaml", "two/b.yaml", "preflight.yaml");
    const source = discover({ env: { PREFLIGHT_POLICY: `${b}::${a}` } });
    expect(source).toEqual({ files: [b, a], origin: "PREFLIGHT_POLICY" });
  });

  it("ignores an empty PREFLIGHT_POLICY", () => {
    const [local] = files("preflight.yaml");
    expect(discover({ env: { PREFLIGHT_POLICY: "" } })).toEqual({
      files: [local],
      origin: "working folder",
    });
  });

  it("takes preflight.yaml in the working folder", () => {
    const [local] = files("preflight.yaml");
    expect(discover({})).toEqual({ files: [local], origin: "working folder" });
  });

  it("takes .preflight/ in the working folder", () => {
    const [a, b] = files(".preflight/a.yaml", ".preflight/b.yml");
    expect(discover({})).toEqual({ files: [a, b], origin: "working folder" });
  });

  it("takes both preflight.yaml and .preflight/ when a folder has both, the file first", () => {
    const [local, inFolder] = files("preflight.yaml", ".preflight/a.yaml");
    expect(discover({}).files).toEqual([local, inFolder]);
  });

  it("looks in the nearest parent that has a policy", () => {
    files("preflight.yaml");
    const [nearer] = files("repo/preflight.yaml");
    const cwd = folder("repo/src/deep");
    expect(discover({ cwd })).toEqual({ files: [nearer], origin: "working folder" });
  });

  const policyAboveTemp = ancestors(tmpdir()).some(
    (dir) => existsSync(join(dir, "preflight.yaml")) || existsSync(join(dir, ".preflight")),
  );
  it.skipIf(policyAboveTemp)("falls back to the bundled policy", () => {
    expect(discover({ cwd: folder("empty") })).toEqual({
      files: [BUNDLED_POLICY],
      origin: "bundled",
    });
  });

  it("bundles a policy that exists", () => {
    expect(BUNDLED_POLICY.endsWith(join("policies", "default.yaml"))).toBe(true);
    expect(existsSync(BUNDLED_POLICY)).toBe(true);
  });
});

describe("discoverPolicy expands folders", () => {
  it("into their *.yaml and *.yml files, sorted, without test files or others", () => {
    const [a, b, c] = files(
      "policies/a.yaml",
      "policies/b.yml",
      "policies/c.yaml",
      "policies/a.test.yaml",
      "policies/b.test.yml",
      "policies/README.md",
      "policies/notes.yaml.bak",
    );
    expect(discover({ explicit: ["policies"] }).files).toEqual([a, b, c]);
  });

  it("does not descend into subfolders", () => {
    const [top] = files("policies/top.yaml", "policies/nested/inner.yaml");
    expect(discover({ explicit: ["policies"] }).files).toEqual([top]);
  });

  it("mixes files and folders in the order given", () => {
    const [x, a] = files("x.yaml", "policies/a.yaml");
    expect(discover({ explicit: ["policies", "x.yaml"] }).files).toEqual([a, x]);
  });

  it("refuses a folder with no policy files", () => {
    files("policies/only.test.yaml");
    const error = rejection(() => discover({ explicit: ["policies"] }));
    expect(error.problems).toEqual([
      expect.objectContaining({
        file: join(root, "policies"),
        message: expect.stringContaining("no *.yaml"),
      }),
    ]);
  });
});

describe("discoverPolicy refuses a path that is not there", () => {
  it("from --policy", () => {
    const error = rejection(() => discover({ explicit: ["missing.yaml"] }));
    expect(error.problems).toEqual([
      expect.objectContaining({
        file: join(root, "missing.yaml"),
        line: 1,
        column: 1,
        message: "no policy file or folder here",
      }),
    ]);
  });

  it("from PREFLIGHT_POLICY, even when a working-folder policy exists", () => {
    files("preflight.yaml");
    const error = rejection(() => discover({ env: { PREFLIGHT_POLICY: join(root, "gone.yaml") } }));
    expect(error.problems[0]?.file).toBe(join(root, "gone.yaml"));
  });
});

describe("discoverPolicy after the repository: the user's, then the system's", () => {
  const noRepository = !ancestors(tmpdir()).some(
    (dir) => existsSync(join(dir, "preflight.yaml")) || existsSync(join(dir, ".preflight")),
  );
  function beyond(options: { env?: Record<string, string>; cwd?: string }) {
    return discoverPolicy({
      explicit: [],
      env: options.env ?? {},
      cwd: options.cwd ?? folder("work"),
      home: join(root, "home"),
      systemDir: join(root, "etc", "preflight"),
    });
  }

  it.skipIf(!noRepository)(
    "takes ~/.config/preflight/*.yaml when no repository policy applies",
    () => {
      const [a, b] = files("home/.config/preflight/a.yaml", "home/.config/preflight/b.yml");
      files("home/.config/preflight/a.test.yaml", "etc/preflight/system.yaml");
      expect(beyond({})).toEqual({ files: [a, b], origin: "user configuration" });
    },
  );

  it.skipIf(!noRepository)(
    "takes $XDG_CONFIG_HOME/preflight/ instead of ~/.config when it is absolute",
    () => {
      files("home/.config/preflight/ignored.yaml");
      const [xdg] = files("xdg/preflight/mine.yaml");
      expect(beyond({ env: { XDG_CONFIG_HOME: join(root, "xdg") } }).files).toEqual([xdg]);
      // A relative XDG_CONFIG_HOME is ignored, as the XDG specification says.
      expect(beyond({ env: { XDG_CONFIG_HOME: "xdg" } }).files).toEqual([
        join(root, "home/.config/preflight/ignored.yaml"),
      ]);
    },
  );

  it.skipIf(!noRepository)(
    "takes /etc/preflight/*.yaml next, and skips a folder with no policy files",
    () => {
      folder("home/.config/preflight");
      const [system] = files("etc/preflight/site.yaml");
      expect(beyond({})).toEqual({ files: [system], origin: "system configuration" });
    },
  );

  it("lets a repository's policy win over the user's and the system's", () => {
    files("home/.config/preflight/user.yaml", "etc/preflight/site.yaml");
    const [repository] = files("repo/preflight.yaml");
    expect(beyond({ cwd: folder("repo/src") })).toEqual({
      files: [repository],
      origin: "working folder",
    });
  });

  it("lets PREFLIGHT_POLICY and --policy win over both", () => {
    const [user, env] = files("home/.config/preflight/user.yaml", "env.yaml");
    expect(beyond({ env: { PREFLIGHT_POLICY: env! } }).files).toEqual([env]);
    expect(user).toBeDefined();
  });
});
