/** The real filesystem side: stat and realpath on symlinks in a temporary folder. */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { programFiles } from "./program-files.js";

// realpath: the temporary folder may itself sit behind a symlink (macOS /tmp).
const root = realpathSync(mkdtempSync(join(tmpdir(), "preflight-program-files-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function executable(path: string, mode = 0o755): string {
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, mode);
  return path;
}

describe("programFiles.executable", () => {
  mkdirSync(join(root, "opt"));
  mkdirSync(join(root, "bin"));
  const kubectl = executable(join(root, "opt", "kubectl"));
  symlinkSync(kubectl, join(root, "bin", "kubectl"));
  symlinkSync("kubectl", join(root, "bin", "k"));
  symlinkSync("k", join(root, "bin", "kk"));
  executable(join(root, "opt", "notes.txt"), 0o644);
  symlinkSync(join(root, "opt", "notes.txt"), join(root, "bin", "notes"));
  symlinkSync(join(root, "opt", "gone"), join(root, "bin", "dangling"));
  symlinkSync("loop-b", join(root, "bin", "loop-a"));
  symlinkSync("loop-a", join(root, "bin", "loop-b"));

  it("follows a chain of relative and absolute symlinks to the real file", () => {
    expect(programFiles.executable(join(root, "bin", "kk"))).toBe(kubectl);
    expect(programFiles.executable(join(root, "bin", "k"))).toBe(kubectl);
    expect(programFiles.executable(kubectl)).toBe(kubectl);
  });

  it("finds nothing where the shell could run nothing", () => {
    expect(programFiles.executable(join(root, "bin", "notes"))).toBeUndefined();
    expect(programFiles.executable(join(root, "bin", "dangling"))).toBeUndefined();
    expect(programFiles.executable(join(root, "bin", "loop-a"))).toBeUndefined();
    expect(programFiles.executable(join(root, "bin"))).toBeUndefined();
    expect(programFiles.executable(join(root, "bin", "absent"))).toBeUndefined();
  });
});
