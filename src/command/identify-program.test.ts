import { describe, expect, it } from "vitest";
import { identifyProgram, type ProgramContext } from "./identify-program.js";
import type { SimpleCommand } from "./normalise.js";

const RULE_PROGRAMS = new Set(["kubectl", "fly", "aws", "rm"]);

/** PATH is /bin; `links` maps a file under it to the real file. Probes are counted. */
function context(links: Record<string, string>): ProgramContext & { probes: string[] } {
  const probes: string[] = [];
  return {
    probes,
    cwd: "/work",
    isRuleProgram: (name) => RULE_PROGRAMS.has(name),
    files: {
      executable(path) {
        probes.push(path);
        return links[path];
      },
    },
  };
}

function command(...argv: string[]): SimpleCommand {
  return {
    argv,
    dynamic: argv.map(() => false),
    assignments: {},
    clearEnv: false,
    unset: [],
    via: [],
  };
}

describe("identifyProgram", () => {
  it("judges a symlink by the real file's name: k → kubectl", () => {
    const ctx = context({ "/bin/k": "/opt/kubernetes/kubectl" });
    const judged = identifyProgram(command("k", "delete", "ns", "x"), "/bin", ctx);
    expect(judged?.argv).toEqual(["kubectl", "delete", "ns", "x"]);
    expect(judged?.program).toEqual({ typed: "k", path: "/opt/kubernetes/kubectl", as: "kubectl" });
  });

  it("never looks up a program that is already a rule's", () => {
    const ctx = context({ "/bin/kubectl": "/opt/other" });
    expect(identifyProgram(command("kubectl", "get"), "/bin", ctx)).toBeUndefined();
    expect(identifyProgram(command("/usr/bin/fly", "dp"), "/bin", ctx)).toBeUndefined();
    expect(ctx.probes).toEqual([]);
  });

  it("leaves a symlink to a program no rule names as typed", () => {
    const ctx = context({ "/bin/l": "/usr/bin/ls" });
    expect(identifyProgram(command("l", "-la"), "/bin", ctx)).toBeUndefined();
    expect(ctx.probes).toEqual(["/bin/l"]);
  });

  it("judges a program it cannot find by its typed name", () => {
    expect(identifyProgram(command("k", "delete"), "/bin", context({}))).toBeUndefined();
  });

  it("looks a program up in the PATH it is given, and a path from the working folder", () => {
    const ctx = context({ "/tools/k": "/opt/kubectl", "/work/bin/f": "/opt/fly" });
    expect(identifyProgram(command("k"), "/bin", ctx)).toBeUndefined();
    expect(identifyProgram(command("k"), "/bin:/tools", ctx)?.argv).toEqual(["kubectl"]);
    expect(identifyProgram(command("bin/f", "dp"), "/bin", ctx)?.argv).toEqual(["fly", "dp"]);
  });

  it("never identifies a program word only known at run time", () => {
    const ctx = context({ "/bin/$K": "/opt/kubectl" });
    const dynamic = { ...command("$K", "delete"), dynamic: [true, false] };
    expect(identifyProgram(dynamic, "/bin", ctx)).toBeUndefined();
  });

  it("judges busybox NAME and python -m awscli as the program they run, without a lookup", () => {
    const ctx = context({});
    const applet = identifyProgram(command("busybox", "rm", "-rf", "/"), "/bin", ctx);
    expect(applet?.argv).toEqual(["rm", "-rf", "/"]);
    expect(applet?.program).toEqual({ typed: "busybox", as: "rm", how: "busybox" });
    const aws = identifyProgram(command("python3", "-m", "awscli", "s3", "ls"), "/bin", ctx);
    expect(aws?.argv).toEqual(["aws", "s3", "ls"]);
    expect(ctx.probes).toEqual([]);
  });

  it("judges a launcher behind another name by its real file: py → python3.12", () => {
    const ctx = context({ "/bin/py": "/usr/lib/python3.12" });
    const judged = identifyProgram(command("py", "-m", "awscli", "ec2"), "/bin", ctx);
    expect(judged?.argv).toEqual(["aws", "ec2"]);
    expect(judged?.program).toMatchObject({ typed: "py", as: "aws", how: "python -m awscli" });
  });

  it("judges a name linked to busybox as the applet it names, which is the typed one", () => {
    const ctx = context({ "/bin/kill-all": "/bin/busybox", "/bin/bb": "/bin/busybox" });
    expect(identifyProgram(command("kill-all", "x"), "/bin", ctx)).toBeUndefined();
    // busybox runs the applet named like argv[0]: `bb rm` runs no rm.
    expect(identifyProgram(command("bb", "rm", "-rf", "/"), "/bin", ctx)).toBeUndefined();
  });

  it("judges a kubectl plugin, linked or typed, as kubectl", () => {
    const ctx = context({ "/bin/wipe": "/opt/krew/kubectl-wipe" });
    expect(identifyProgram(command("wipe", "--context", "prod"), "/bin", ctx)?.argv).toEqual([
      "kubectl",
      "wipe",
      "--context",
      "prod",
    ]);
    const typed = identifyProgram(command("kubectl-wipe", "all"), "/bin", ctx);
    expect(typed?.argv).toEqual(["kubectl", "wipe", "all"]);
    expect(typed?.dynamic).toEqual([false, false, false]);
  });
});
