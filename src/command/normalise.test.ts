import { describe, expect, it } from "vitest";
import { normaliseCommand, type SimpleCommand } from "./normalise.js";

/** The one command an argv runs; fails when there is not exactly one. */
function only(argv: string[]): SimpleCommand {
  const result = normaliseCommand(argv);
  expect(result.unparsable).toBeUndefined();
  expect(result.commands).toHaveLength(1);
  return result.commands[0] as SimpleCommand;
}

const FLY = ["fly", "-t", "prod", "destroy-pipeline", "-p", "main"];

describe("normaliseCommand strips wrappers", () => {
  it.each<[string, string[], string[]]>([
    ["nothing to strip", FLY, []],
    ["VAR=x prefix", ["AWS_PROFILE=prod", ...FLY], []],
    ["env", ["env", ...FLY], ["env"]],
    ["env VAR=x", ["env", "A=1", "B=2", ...FLY], ["env"]],
    ["env -i", ["env", "-i", ...FLY], ["env"]],
    ["env -", ["env", "-", ...FLY], ["env"]],
    ["env --ignore-environment", ["env", "--ignore-environment", ...FLY], ["env"]],
    ["env -u NAME", ["env", "-u", "HOME", ...FLY], ["env"]],
    ["env -uNAME", ["env", "-uHOME", ...FLY], ["env"]],
    ["env --unset NAME", ["env", "--unset", "HOME", ...FLY], ["env"]],
    ["env --unset=NAME", ["env", "--unset=HOME", ...FLY], ["env"]],
    ["env -C DIR", ["env", "-C", "/tmp", ...FLY], ["env"]],
    ["env --chdir DIR", ["env", "--chdir", "/tmp", ...FLY], ["env"]],
    ["env --chdir=DIR", ["env", "--chdir=/tmp", ...FLY], ["env"]],
    ["env --", ["env", "--", ...FLY], ["env"]],
    ["env -S", ["env", "-S", "fly -t prod", "destroy-pipeline", "-p", "main"], ["env"]],
    ["sudo", ["sudo", ...FLY], ["sudo"]],
    ["sudo -u root", ["sudo", "-u", "root", ...FLY], ["sudo"]],
    ["sudo -uroot", ["sudo", "-uroot", ...FLY], ["sudo"]],
    ["sudo --user=root", ["sudo", "--user=root", ...FLY], ["sudo"]],
    ["sudo --user root", ["sudo", "--user", "root", ...FLY], ["sudo"]],
    [
      "sudo -g -h -p -C",
      ["sudo", "-g", "ops", "-h", "host", "-p", "pw:", "-C", "3", ...FLY],
      ["sudo"],
    ],
    [
      "sudo -r -t -U -D -R -T",
      ["sudo", "-r", "r", "-t", "t", "-U", "u", "-D", "/", "-R", "/", "-T", "5", ...FLY],
      ["sudo"],
    ],
    [
      "sudo booleans",
      ["sudo", "-E", "-H", "-n", "-S", "-k", "-K", "-b", "-i", "-s", "-P", "-A", ...FLY],
      ["sudo"],
    ],
    ["sudo -nE", ["sudo", "-nE", ...FLY], ["sudo"]],
    ["sudo -nu root", ["sudo", "-nu", "root", ...FLY], ["sudo"]],
    ["sudo --preserve-env=PATH", ["sudo", "--preserve-env=PATH", ...FLY], ["sudo"]],
    ["sudo --", ["sudo", "--", ...FLY], ["sudo"]],
    ["sudo VAR=x", ["sudo", "AWS_PROFILE=prod", ...FLY], ["sudo"]],
    ["/usr/bin/sudo", ["/usr/bin/sudo", ...FLY], ["sudo"]],
    ["doas", ["doas", ...FLY], ["doas"]],
    ["doas -u user -n -s", ["doas", "-u", "ops", "-n", "-s", ...FLY], ["doas"]],
    ["nice", ["nice", ...FLY], ["nice"]],
    ["nice -n N", ["nice", "-n", "5", ...FLY], ["nice"]],
    ["nice -n -N", ["nice", "-n", "-5", ...FLY], ["nice"]],
    ["nice -N", ["nice", "-10", ...FLY], ["nice"]],
    ["nice --adjustment=N", ["nice", "--adjustment=5", ...FLY], ["nice"]],
    ["ionice -c N -n N", ["ionice", "-c", "2", "-n", "7", ...FLY], ["ionice"]],
    ["ionice -c3", ["ionice", "-c3", ...FLY], ["ionice"]],
    ["nohup", ["nohup", ...FLY], ["nohup"]],
    ["time", ["time", ...FLY], ["time"]],
    ["time -p", ["time", "-p", ...FLY], ["time"]],
    ["command", ["command", ...FLY], ["command"]],
    ["command -p", ["command", "-p", ...FLY], ["command"]],
    ["exec", ["exec", ...FLY], ["exec"]],
    ["exec -a NAME -c -l", ["exec", "-a", "deploy", "-c", "-l", ...FLY], ["exec"]],
    ["builtin", ["builtin", ...FLY], ["builtin"]],
    ["timeout DURATION", ["timeout", "30s", ...FLY], ["timeout"]],
    [
      "timeout options DURATION",
      ["timeout", "-s", "KILL", "-k", "5", "--preserve-status", "1m", ...FLY],
      ["timeout"],
    ],
    ["timeout --signal=TERM", ["timeout", "--signal=TERM", "10", ...FLY], ["timeout"]],
    ["stdbuf -o L", ["stdbuf", "-o", "L", ...FLY], ["stdbuf"]],
    ["stdbuf -oL -e0 -i0", ["stdbuf", "-oL", "-e0", "-i0", ...FLY], ["stdbuf"]],
    ["stdbuf --output=L", ["stdbuf", "--output=L", ...FLY], ["stdbuf"]],
    [
      "a chain",
      ["sudo", "-E", "nice", "-n", "5", "nohup", "timeout", "5m", "env", "X=1", ...FLY],
      ["sudo", "nice", "nohup", "timeout", "env"],
    ],
  ])("%s", (_name, argv, via) => {
    const command = only(argv);
    expect(command.argv).toEqual(FLY);
    expect(command.via).toEqual(via);
    expect(command.dynamic).toEqual(FLY.map(() => false));
  });

  it.each<[string, string[]]>([
    ["command -v only looks a name up", ["command", "-v", "fly"]],
    ["command -V too", ["command", "-V", "fly"]],
    ["a bare env is the program", ["env"]],
    ["env with only options", ["env", "-i"]],
    ["env with only assignments", ["env", "X=1"]],
    ["a bare sudo", ["sudo", "-i"]],
    ["timeout without a command", ["timeout", "5"]],
    ["a shell running a file", ["bash", "deploy.sh", "prod"]],
    ["a shell reading stdin", ["sh", "-s", "prod"]],
    ["a shell with -c but no script", ["bash", "-c"]],
    ["a shell with options only", ["bash", "-e", "-x"]],
  ])("leaves it alone: %s", (_name, argv) => {
    const command = only(argv);
    expect(command.argv).toEqual(argv);
    expect(command.via).toEqual([]);
  });

  it("does not read options after the command as the wrapper's", () => {
    expect(only(["sudo", "fly", "-u", "x"]).argv).toEqual(["fly", "-u", "x"]);
  });

  it("returns nothing for an empty argv or assignments alone", () => {
    expect(normaliseCommand([])).toEqual({ commands: [] });
    expect(normaliseCommand(["X=1"])).toEqual({ commands: [] });
  });
});

describe("variables", () => {
  it("carries VAR=x prefixes and env VAR=x, later wins", () => {
    const command = only(["A=1", "B=1", "sudo", "B=2", "env", "C=3", "A=4", "fly"]);
    expect(command.assignments).toEqual({ A: "4", B: "2", C: "3" });
    expect(command.clearEnv).toBe(false);
    expect(command.unset).toEqual([]);
  });

  it.each<[string[], boolean, string[]]>([
    [["env", "-i"], true, []],
    [["env", "-"], true, []],
    [["env", "--ignore-environment"], true, []],
    [["env", "-iu", "HOME"], true, ["HOME"]],
    [
      ["env", "-u", "HOME", "--unset", "PATH", "--unset=TERM", "-uLANG"],
      false,
      ["HOME", "PATH", "TERM", "LANG"],
    ],
    [["env", "-C", "/tmp"], false, []],
    [["env", "--", "-i"], false, []],
  ])("reads %j into clearEnv and unset", (wrapper, clearEnv, unset) => {
    const command = only([...wrapper, ...FLY]);
    expect(command.argv).toEqual(wrapper.includes("--") ? ["-i", ...FLY] : FLY);
    expect(command.clearEnv).toBe(clearEnv);
    expect(command.unset).toEqual(unset);
  });

  it("env -i clears what was set before it and sets clearEnv", () => {
    const command = only(["A=1", "env", "-i", "B=2", "fly"]);
    expect(command.clearEnv).toBe(true);
    expect(command.assignments).toEqual({ B: "2" });
  });

  it("env -u unsets a variable set earlier, and a later assignment sets it again", () => {
    expect(only(["A=1", "env", "-u", "A", "fly"])).toMatchObject({ assignments: {}, unset: ["A"] });
    expect(only(["env", "--unset=A", "A=2", "fly"])).toMatchObject({
      assignments: { A: "2" },
      unset: ["A"],
    });
  });

  it("keeps a variable named __proto__ as plain data", () => {
    const command = only(["__proto__=x", "fly"]);
    expect(Object.keys(command.assignments)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(command.assignments)).toBe(Object.prototype);
  });
});

describe("shell scripts are unpacked", () => {
  it.each<[string[], string]>([
    [["sh", "-c", "fly -t prod destroy-pipeline -p main"], "sh -c"],
    [["bash", "-c", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["zsh", "-c", "fly -t prod destroy-pipeline -p main"], "zsh -c"],
    [["dash", "-c", "fly -t prod destroy-pipeline -p main"], "dash -c"],
    [["ksh", "-c", "fly -t prod destroy-pipeline -p main"], "ksh -c"],
    [["/bin/bash", "-c", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["bash", "-ec", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["bash", "-lc", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["bash", "-xec", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["bash", "-l", "-c", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["bash", "-o", "pipefail", "-c", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["bash", "+o", "posix", "-c", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["bash", "--norc", "-c", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["bash", "--rcfile", "rc", "-c", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["bash", "-c", "--", "fly -t prod destroy-pipeline -p main"], "bash -c"],
    [["sh", "-c", "fly -t prod destroy-pipeline -p main", "name", "arg1"], "sh -c"],
    [["sh", "-c", `fly -t "prod" 'destroy-pipeline' -p main`], "sh -c"],
  ])("%j", (argv, via) => {
    const command = only(argv);
    expect(command.argv).toEqual(FLY);
    expect(command.via).toEqual([via]);
  });

  it("unpacks the nesting from the brief", () => {
    const command = only([
      "sudo",
      "-u",
      "root",
      "env",
      "-i",
      "X=1",
      "nice",
      "-n",
      "5",
      "bash",
      "-c",
      "fly -t prod destroy-pipeline -p main",
    ]);
    expect(command).toEqual({
      argv: FLY,
      dynamic: FLY.map(() => false),
      assignments: { X: "1" },
      clearEnv: true,
      unset: [],
      via: ["sudo", "env", "nice", "bash -c"],
    });
  });

  it("strips wrappers inside the script and unpacks a nested sh -c", () => {
    const command = only([
      "sh",
      "-c",
      `sudo env X=1 nice bash -c "AWS_PROFILE=prod timeout 5 fly -t prod destroy-pipeline -p main"`,
    ]);
    expect(command.argv).toEqual(FLY);
    expect(command.assignments).toEqual({ X: "1", AWS_PROFILE: "prod" });
    expect(command.via).toEqual(["sh -c", "sudo", "env", "nice", "bash -c", "timeout"]);
  });

  it("returns every command of a list or pipeline, in order", () => {
    const result = normaliseCommand([
      "bash",
      "-c",
      "fly -t dev x && sudo fly -t prod y || echo failed | tee log; nohup z &",
    ]);
    expect(result.unparsable).toBeUndefined();
    expect(result.commands.map((command) => command.argv)).toEqual([
      ["fly", "-t", "dev", "x"],
      ["fly", "-t", "prod", "y"],
      ["echo", "failed"],
      ["tee", "log"],
      ["z"],
    ]);
    expect(result.commands.map((command) => command.via)).toEqual([
      ["bash -c"],
      ["bash -c", "sudo"],
      ["bash -c"],
      ["bash -c"],
      ["bash -c", "nohup"],
    ]);
  });

  it("marks $VAR words dynamic but not '$VAR'", () => {
    const command = only(["sh", "-c", `fly -t "$TARGET" destroy-pipeline -p '$P'`]);
    expect(command.argv).toEqual(["fly", "-t", "$TARGET", "destroy-pipeline", "-p", "$P"]);
    expect(command.dynamic).toEqual([false, false, true, false, false, false]);
  });

  it("keeps dynamic flags aligned after wrappers are stripped", () => {
    const command = only(["sh", "-c", "sudo -u $USER fly -t $T x"]);
    expect(command.argv).toEqual(["fly", "-t", "$T", "x"]);
    expect(command.dynamic).toEqual([false, false, true, false]);
  });

  it("does not treat a dynamic program as a wrapper", () => {
    const command = only(["sh", "-c", "$WRAP fly x"]);
    expect(command.argv).toEqual(["$WRAP", "fly", "x"]);
    expect(command.dynamic[0]).toBe(true);
  });

  it("carries outer variables and env -i into the script", () => {
    const command = only(["env", "-i", "AWS_PROFILE=prod", "sh", "-c", "A=1 aws s3 rb s3://x"]);
    expect(command).toMatchObject({ assignments: { AWS_PROFILE: "prod", A: "1" }, clearEnv: true });
  });

  it("lets export, assignment lines and unset reach the commands after them", () => {
    const result = normaliseCommand([
      "sh",
      "-c",
      "export AWS_PROFILE=prod REGION=eu; T=x; aws s3 rb s3://a; unset REGION; aws s3 ls",
    ]);
    expect(result.commands).toHaveLength(2);
    expect(result.commands[0]?.assignments).toEqual({ AWS_PROFILE: "prod", REGION: "eu", T: "x" });
    expect(result.commands[1]?.assignments).toEqual({ AWS_PROFILE: "prod", T: "x" });
    expect(result.commands[1]?.unset).toEqual(["REGION"]);
  });
});

describe("scripts that cannot be unpacked", () => {
  it("reports the parser's reason and the script", () => {
    const script = "fly -t $(cat target) destroy-pipeline";
    expect(normaliseCommand(["sudo", "bash", "-c", script])).toEqual({
      commands: [],
      unparsable: { reason: "command substitution $(...) hides which command runs", script },
    });
  });

  it("keeps the commands it could read when a nested script fails", () => {
    const result = normaliseCommand(["sh", "-c", "fly -t dev x; bash -c 'eval \"$CMD\"'"]);
    expect(result.commands.map((command) => command.argv)).toEqual([["fly", "-t", "dev", "x"]]);
    expect(result.unparsable).toEqual({
      reason: expect.stringContaining("eval"),
      script: 'eval "$CMD"',
    });
  });

  it("refuses a script that is only known at run time", () => {
    const result = normaliseCommand(["sh", "-c", `bash -c "$DEPLOY"`]);
    expect(result.unparsable).toEqual({
      reason: "the script given to bash -c is only known at run time",
      script: "$DEPLOY",
    });
  });

  it.each<[string, string]>([
    ["command eval 'fly x'", "eval"],
    ["builtin source ./x.sh", "source"],
    ["command exec", "exec"],
  ])("refuses %j once the wrapper is stripped", (script, construct) => {
    const result = normaliseCommand(["sh", "-c", script]);
    expect(result.unparsable?.reason).toContain(construct);
    expect(result.unparsable?.script).toBe(script);
  });

  it("refuses an env -S string that is more than one command", () => {
    const result = normaliseCommand(["env", "-S", "fly x; rm -rf /"]);
    expect(result.unparsable?.reason).toContain("env -S");
    expect(result.commands).toEqual([]);
  });
});

describe("xargs", () => {
  it("strips xargs and its options, and marks the arguments it adds at run time as unknown", () => {
    const result = normaliseCommand([
      "xargs",
      "-n",
      "1",
      "-P4",
      "fly",
      "-t",
      "prod",
      "destroy-pipeline",
      "-p",
    ]);
    expect(result.commands).toHaveLength(1);
    const [command] = result.commands;
    expect(command?.argv).toEqual([
      "fly",
      "-t",
      "prod",
      "destroy-pipeline",
      "-p",
      "<arguments from xargs>",
    ]);
    expect(command?.dynamic).toEqual([false, false, false, false, false, true]);
    expect(command?.via).toEqual(["xargs"]);
  });

  it("leaves a bare xargs (which runs echo) alone", () => {
    expect(normaliseCommand(["xargs"]).commands[0]?.argv).toEqual(["xargs"]);
  });
});

describe("more wrappers", () => {
  it.each<[string, string[]]>([
    ["setsid", ["setsid", "-f", "fly", "-t", "prod"]],
    ["unbuffer", ["unbuffer", "fly", "-t", "prod"]],
    ["chrt", ["chrt", "-r", "10", "fly", "-t", "prod"]],
    ["taskset", ["taskset", "-c", "0-3", "fly", "-t", "prod"]],
    ["watch", ["watch", "-n", "5", "fly", "-t", "prod"]],
    ["watch with one quoted string", ["watch", "-n1", "-g", "fly -t prod"]],
    ["watch -x", ["watch", "-x", "fly", "-t", "prod"]],
    ["script -c", ["script", "-qc", "fly -t prod", "/dev/null"]],
    ["flock with a command", ["flock", "-w", "10", "/tmp/lock", "fly", "-t", "prod"]],
    ["flock -c", ["flock", "/tmp/lock", "-c", "fly -t prod"]],
    ["su -c", ["su", "-", "deploy", "-c", "fly -t prod"]],
    ["runuser -u", ["runuser", "-u", "deploy", "--", "fly", "-t", "prod"]],
    ["runuser -c", ["runuser", "deploy", "-c", "fly -t prod"]],
  ])("sees through %s", (_name, argv) => {
    expect(normaliseCommand(argv).commands.map((c) => c.argv)).toEqual([["fly", "-t", "prod"]]);
  });

  it("leaves su without -c alone: it starts a shell, runs no command of its own", () => {
    expect(normaliseCommand(["su", "-", "root"]).commands[0]?.argv).toEqual(["su", "-", "root"]);
  });
});

describe("the folder a command runs in", () => {
  it("follows env -C and --chdir, relative ones joined", () => {
    expect(only(["env", "-C", "/srv", "-C", "app", "fly"]).chdir).toBe("/srv/app");
    expect(only(["env", "--chdir=tools", "fly"]).chdir).toBe("tools");
    expect(only(["env", "-C$DIR", "fly"]).chdir).toBeNull();
    expect(only(["fly"])).not.toHaveProperty("chdir");
  });

  it("follows a script's cd for the lines after it, and forgets a folder it cannot tell", () => {
    const chdirs = (script: string) =>
      normaliseCommand(["sh", "-c", script]).commands.map((c) => c.chdir);
    expect(chdirs("fly a; cd /srv && fly b; cd app; fly c")).toEqual([
      undefined,
      undefined,
      "/srv",
      "/srv",
      "/srv/app",
    ]);
    expect(chdirs("cd $HOME; fly; cd app; fly; cd /srv; fly")).toEqual([
      undefined,
      null,
      null,
      null,
      null,
      "/srv",
    ]);
    expect(chdirs("cd -; fly")).toEqual([undefined, null]);
    expect(chdirs("cd; fly")).toEqual([undefined, null]);
  });
});
