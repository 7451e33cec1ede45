/** evaluateCommand judges a command by the program it really runs, found through a fake filesystem. */
import { beforeAll, describe, expect, it } from "vitest";
import { policyFrom, yaml } from "../../test/helpers/policy-factory.js";
import type { Policy } from "../policy/types.js";
import { evaluateCommand } from "./evaluate.js";

let policy: Policy;
beforeAll(async () => {
  policy = await policyFrom(yaml`
    version: 1
    environments:
      production: { protected: true, match: { target: [prod] } }
    rules:
      - id: fly-destroy
        match: { command: fly, args: [destroy-pipeline] }
        environment: { flag: -t }
        decision: { production: deny, "*": confirm }
      - id: kube-delete
        match: { command: "kube*", args: [delete] }
        environment: { flag: --context }
        decision: { production: deny, "*": confirm }
  `);
});

/** The files on the fake disk: path → the real file it leads to. */
const DISK: Record<string, string> = {
  "/usr/bin/f": "/opt/concourse/fly",
  "/alt/f": "/opt/concourse/fly",
  "/bin/f": "/opt/concourse/fly",
  "/usr/bin/k": "/opt/kubernetes/kubectl",
  "/usr/bin/l": "/usr/bin/ls",
  "/work/bin/f": "/opt/concourse/fly",
};

function evaluate(argv: string[], vars: Record<string, string> = { PATH: "/usr/bin" }) {
  const probed: string[] = [];
  const evaluation = evaluateCommand({
    policy,
    argv,
    vars,
    programs: {
      cwd: "/work",
      files: {
        executable(path) {
          probed.push(path);
          return DISK[path];
        },
      },
    },
  });
  return { evaluation, probed };
}

const DESTROY = ["-t", "prod", "destroy-pipeline", "-p", "main"];

describe("evaluateCommand with a program lookup", () => {
  it("judges f, a link to fly, as fly, and records how", () => {
    const { evaluation } = evaluate(["f", ...DESTROY]);
    expect(evaluation.decision).toBe("deny");
    expect(evaluation.rules.map((r) => r.id)).toEqual(["fly-destroy"]);
    expect(evaluation.matches[0]?.command.program).toEqual({
      typed: "f",
      path: "/opt/concourse/fly",
      as: "fly",
    });
    expect(evaluation.judged[0]?.argv).toEqual(["fly", ...DESTROY]);
  });

  it("matches a glob rule by the real file's name: k → kubectl against kube*", () => {
    const { evaluation } = evaluate(["k", "--context", "prod", "delete", "ns", "x"]);
    expect(evaluation.decision).toBe("deny");
    expect(evaluation.rules.map((r) => r.id)).toEqual(["kube-delete"]);
  });

  it.each<[string, string[], Record<string, string>]>([
    ["a PATH= prefix", ["PATH=/alt", "f", ...DESTROY], { PATH: "/nowhere" }],
    ["env PATH=", ["env", "PATH=/alt", "f", ...DESTROY], { PATH: "/nowhere" }],
    [
      "a PATH= line in sh -c",
      ["sh", "-c", `PATH=/alt; export PATH; f ${DESTROY.join(" ")}`],
      { PATH: "/nowhere" },
    ],
    ["env -i (exec's default /bin:/usr/bin)", ["env", "-i", "f", ...DESTROY], { PATH: "/nowhere" }],
    ["env -u PATH", ["env", "-u", "PATH", "f", ...DESTROY], { PATH: "/nowhere" }],
    ["a relative path from the working folder", ["bin/f", ...DESTROY], { PATH: "/nowhere" }],
    ["env -C into the folder", ["env", "-C", "bin", "./f", ...DESTROY], { PATH: "/nowhere" }],
    [
      "env --chdir=/work/bin",
      ["env", "--chdir=/work/bin", "./f", ...DESTROY],
      { PATH: "/nowhere" },
    ],
    [
      "a script's cd",
      ["sh", "-c", `cd /tmp; cd /work && bin/f ${DESTROY.join(" ")}`],
      { PATH: "/nowhere" },
    ],
    [
      "a relative PATH entry after cd",
      ["sh", "-c", `cd /work; PATH=bin f ${DESTROY.join(" ")}`],
      { PATH: "/nowhere" },
    ],
  ])("finds the program through %s", (_name, argv, vars) => {
    expect(evaluate(argv, vars).evaluation.decision).toBe("deny");
  });

  it("judges a program found nowhere by its typed name", () => {
    const { evaluation } = evaluate(["f", ...DESTROY], { PATH: "/nowhere" });
    expect(evaluation.decision).toBe("none");
    expect(evaluation.judged[0]?.program).toBeUndefined();
  });

  it("leaves a link to an unguarded program unguarded", () => {
    const { evaluation } = evaluate(["l", "destroy-pipeline"]);
    expect(evaluation.decision).toBe("none");
    expect(evaluation.judged[0]).toEqual(evaluation.normalised.commands[0]);
  });

  it("finds the program an unknown wrapper runs: with-creds prod -- f …", () => {
    const { evaluation } = evaluate(["with-creds", "prod", "--", "f", ...DESTROY]);
    expect(evaluation.decision).toBe("deny");
    expect(evaluation.judged[0]?.via).toEqual(["with-creds"]);
  });

  it("never looks up a rule's own program, nor options and assignments", () => {
    expect(evaluate(["fly", ...DESTROY]).probed).toEqual([]);
    // ls-like: its own name, then only the words that could name a program.
    expect(evaluate(["l", "-la", "X=1", "target"]).probed).toEqual([
      "/usr/bin/l",
      "/usr/bin/target",
    ]);
  });

  it("judges by the typed names without a lookup (a policy's own test cases)", () => {
    const evaluation = evaluateCommand({ policy, argv: ["f", ...DESTROY], vars: {} });
    expect(evaluation.decision).toBe("none");
  });
});

describe("an unknown program's arguments looked up as programs it may run", () => {
  it("are the first four plain words and any word right after --", () => {
    const words = ["a1", "a2", "a3", "a4", "a5", "a6", "--", "f", "destroy-pipeline"];
    const { evaluation, probed } = evaluate(["wrapper", ...words]);
    expect(probed).toEqual([
      "/usr/bin/wrapper",
      ...["a1", "a2", "a3", "a4", "f"].map((w) => `/usr/bin/${w}`),
    ]);
    expect(evaluation.judged[0]?.argv).toEqual(["fly", "destroy-pipeline"]);
  });
});

describe("a working folder preflight cannot tell", () => {
  it.each([
    ["cd $DIR", `cd $DIR; bin/f ${DESTROY.join(" ")}`],
    ["cd -", `cd -; bin/f ${DESTROY.join(" ")}`],
    ["cd ~", `cd ~; bin/f ${DESTROY.join(" ")}`],
    ["a relative PATH entry", `cd "$X"; PATH=bin f ${DESTROY.join(" ")}`],
  ])("after %s: a relative program is judged by its typed name", (_name, script) => {
    const { evaluation, probed } = evaluate(["sh", "-c", script]);
    expect(evaluation.decision).toBe("none");
    expect(probed.filter((p) => p.endsWith("/f"))).toEqual([]);
  });
});
