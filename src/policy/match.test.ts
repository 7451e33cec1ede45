import { describe, expect, it } from "vitest";
import { policy, rule } from "../../test/helpers/policy-factory.js";
import { candidateRules, firstUnmatchedArg, matchRules, programName } from "./match.js";
import type { Rule } from "./types.js";

const destroyPipeline = rule({ id: "fly-destroy", commands: ["fly"], args: ["destroy-pipeline"] });

function matchedIds(rules: Rule[], argv: string[]): string[] {
  return matchRules(policy({ rules }), argv).map((r) => r.id);
}

describe("matchRules by program", () => {
  it("matches the program by its basename", () => {
    for (const program of ["fly", "/usr/local/bin/fly", "./fly", "bin/fly"]) {
      expect(matchedIds([destroyPipeline], [program, "destroy-pipeline"])).toEqual(["fly-destroy"]);
    }
  });

  it("does not match another program with the same arguments", () => {
    expect(matchedIds([destroyPipeline], ["flyctl", "destroy-pipeline"])).toEqual([]);
    expect(matchedIds([destroyPipeline], ["/usr/bin/fly/x", "destroy-pipeline"])).toEqual([]);
  });

  it("matches a program given as a glob", () => {
    const terraform = rule({ id: "tf-destroy", commands: ["terraform{,-1.*}"], args: ["destroy"] });
    expect(matchedIds([terraform], ["terraform", "destroy"])).toEqual(["tf-destroy"]);
    expect(matchedIds([terraform], ["/opt/terraform-1.9", "destroy"])).toEqual(["tf-destroy"]);
    expect(matchedIds([terraform], ["terragrunt", "destroy"])).toEqual([]);
  });

  it("matches a rule listed under two commands from either", () => {
    const both = rule({
      id: "delete-deployment",
      commands: ["bosh", "bosh2"],
      args: ["delete-deployment"],
    });
    expect(matchedIds([both], ["bosh", "delete-deployment"])).toEqual(["delete-deployment"]);
    expect(matchedIds([both], ["bosh2", "delete-deployment"])).toEqual(["delete-deployment"]);
  });

  it("matches a rule listed under a command and a glob that both fit once", () => {
    const both = rule({ id: "fly-any", commands: ["fly", "fl*"] });
    expect(matchedIds([both], ["fly"])).toEqual(["fly-any"]);
  });

  it("matches nothing for an empty argv", () => {
    expect(matchedIds([rule({ commands: ["*"] })], [])).toEqual([]);
  });
});

describe("matchRules by arguments", () => {
  const deleteNamespace = rule({
    id: "ns",
    commands: ["kubectl"],
    args: ["delete", "{ns,namespace}"],
  });

  it("needs every argument token, in order, with others in between", () => {
    expect(matchedIds([deleteNamespace], ["kubectl", "delete", "ns", "x"])).toEqual(["ns"]);
    expect(
      matchedIds(
        [deleteNamespace],
        ["kubectl", "--context", "prod", "delete", "-v", "namespace", "x"],
      ),
    ).toEqual(["ns"]);
  });

  it("does not match the tokens in another order", () => {
    expect(matchedIds([deleteNamespace], ["kubectl", "ns", "delete", "x"])).toEqual([]);
  });

  it("does not match when one token is missing", () => {
    expect(matchedIds([deleteNamespace], ["kubectl", "delete", "pod", "x"])).toEqual([]);
    expect(matchedIds([deleteNamespace], ["kubectl", "get", "ns"])).toEqual([]);
  });

  it("uses each argument for one token only", () => {
    const twice = rule({ id: "twice", commands: ["x"], args: ["a", "a"] });
    expect(matchedIds([twice], ["x", "a"])).toEqual([]);
    expect(matchedIds([twice], ["x", "a", "b", "a"])).toEqual(["twice"]);
  });

  it("does not take the program name as an argument", () => {
    const selfNamed = rule({ id: "self", commands: ["fly"], args: ["fly"] });
    expect(matchedIds([selfNamed], ["fly", "destroy"])).toEqual([]);
  });

  it("matches argument globs against whole tokens", () => {
    const glob = rule({ id: "glob", commands: ["aws"], args: ["revoke-*"] });
    expect(matchedIds([glob], ["aws", "ec2", "revoke-security-group-ingress"])).toEqual(["glob"]);
    expect(matchedIds([glob], ["aws", "ec2", "x-revoke-y"])).toEqual([]);
  });

  it("matches a rule with no argument tokens on the program alone", () => {
    expect(matchedIds([rule({ id: "any-fly" })], ["fly"])).toEqual(["any-fly"]);
  });

  it("reports the first token it could not find", () => {
    expect(firstUnmatchedArg(deleteNamespace, ["delete", "ns"])).toBe(-1);
    expect(firstUnmatchedArg(deleteNamespace, ["delete", "pod"])).toBe(1);
    expect(firstUnmatchedArg(deleteNamespace, ["ns", "x"])).toBe(0);
  });
});

describe("matchRules order and scale", () => {
  it("returns every matching rule in policy order, literal and glob commands mixed", () => {
    const rules = [
      rule({ id: "one", commands: ["f*"] }),
      rule({ id: "two", commands: ["fly"], args: ["destroy-pipeline"] }),
      rule({ id: "three", commands: ["bosh"] }),
      rule({ id: "four", commands: ["?ly"] }),
      rule({ id: "five", commands: ["fly"] }),
    ];
    expect(matchedIds(rules, ["fly", "destroy-pipeline"])).toEqual(["one", "two", "four", "five"]);
  });

  it("gives candidates in policy order", () => {
    const p = policy({
      rules: [
        rule({ id: "b", commands: ["fly"] }),
        rule({ id: "a", commands: ["*"] }),
        rule({ id: "c", commands: ["fly"] }),
      ],
    });
    expect(candidateRules(p, "fly").map((r) => r.id)).toEqual(["b", "a", "c"]);
  });

  it("sees a policy's rules through its index, built once per policy", () => {
    const rules = [rule({ id: "old", commands: ["fly"] })];
    const p = policy({ rules });
    expect(matchRules(p, ["fly"]).map((r) => r.id)).toEqual(["old"]);
    const other = policy({ rules: [rule({ id: "new", commands: ["fly"] })] });
    expect(matchRules(other, ["fly"]).map((r) => r.id)).toEqual(["new"]);
  });

  it("finds nothing among 1,000 rules that do not match", () => {
    const rules = Array.from({ length: 1_000 }, (_, i) =>
      rule({
        id: `r${i}`,
        commands: i % 10 === 0 ? [`tool-${i}-*`] : [`tool-${i}`],
        args: ["delete"],
      }),
    );
    const p = policy({ rules });
    expect(matchRules(p, ["ls", "-la"])).toEqual([]);
    expect(matchRules(p, ["tool-5", "get"])).toEqual([]);
    expect(matchRules(p, ["tool-5", "delete"]).map((r) => r.id)).toEqual(["r5"]);
    expect(matchRules(p, ["tool-990-x", "delete"]).map((r) => r.id)).toEqual(["r990"]);
  });
});

describe("programName", () => {
  it.each([
    ["fly", "fly"],
    ["/usr/local/bin/fly", "fly"],
    ["./fly", "fly"],
  ])("%s → %s", (argv0, name) => {
    expect(programName(argv0)).toBe(name);
  });
});
