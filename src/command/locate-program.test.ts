import { describe, expect, it } from "vitest";
import { locateProgram, type ProgramFiles } from "./locate-program.js";

/** A filesystem of executables: path → the real file it leads to; every probe is recorded. */
function fakeFiles(links: Record<string, string>): ProgramFiles & { probed: string[] } {
  const probed: string[] = [];
  return {
    probed,
    executable(path) {
      probed.push(path);
      return links[path];
    },
  };
}

describe("locateProgram", () => {
  const files = fakeFiles({
    "/usr/local/bin/k": "/opt/kubernetes/kubectl",
    "/usr/bin/k": "/usr/bin/something-else",
    "/work/tools/k": "/opt/kubernetes/kubectl",
    "/work/k": "/work/k",
    "/home/me/bin/fly-cli": "/opt/concourse/fly",
  });
  const lookup = { files, cwd: "/work" };

  it("takes the first PATH folder that holds the name, as the shell does", () => {
    expect(locateProgram("k", "/nope:/usr/local/bin:/usr/bin", lookup)).toBe(
      "/opt/kubernetes/kubectl",
    );
    expect(locateProgram("k", "/usr/bin:/usr/local/bin", lookup)).toBe("/usr/bin/something-else");
  });

  it("reads a word with a slash from the working folder, never from PATH", () => {
    expect(locateProgram("tools/k", "/usr/bin", lookup)).toBe("/opt/kubernetes/kubectl");
    expect(locateProgram("./k", "/usr/local/bin", lookup)).toBe("/work/k");
    expect(locateProgram("/home/me/bin/fly-cli", "", lookup)).toBe("/opt/concourse/fly");
    expect(locateProgram("../tools/k", "/usr/bin", { files, cwd: "/work/sub" })).toBe(
      "/opt/kubernetes/kubectl",
    );
  });

  it("reads an empty or relative PATH entry from the working folder", () => {
    expect(locateProgram("k", ":/usr/bin", lookup)).toBe("/work/k");
    expect(locateProgram("k", "/nope:", lookup)).toBe("/work/k");
    expect(locateProgram("k", "tools", lookup)).toBe("/opt/kubernetes/kubectl");
  });

  it("searches /bin:/usr/bin when PATH is unset, as exec does", () => {
    expect(locateProgram("k", undefined, lookup)).toBe("/usr/bin/something-else");
  });

  it("finds nothing for a program on no PATH folder", () => {
    expect(locateProgram("kubectl", "/usr/local/bin:/usr/bin", lookup)).toBeUndefined();
    expect(locateProgram("", "/usr/bin", lookup)).toBeUndefined();
  });

  it("asks the filesystem once per PATH folder, and stops at the first hit", () => {
    const counted = fakeFiles({ "/b/k": "/opt/kubectl" });
    locateProgram("k", "/a:/b:/c:/d", { files: counted, cwd: "/" });
    expect(counted.probed).toEqual(["/a/k", "/b/k"]);
  });
});
