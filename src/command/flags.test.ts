import { describe, expect, it } from "vitest";
import { flagValues, positionalValue } from "./flags.js";

const TARGET = ["-t", "--target"];

describe("flagValues", () => {
  it.each<[string, string[], string[]]>([
    ["--name value", ["fly", "--target", "prod", "pipelines"], ["prod"]],
    ["--name=value", ["fly", "--target=prod", "pipelines"], ["prod"]],
    ["-n value", ["fly", "-t", "prod", "pipelines"], ["prod"]],
    ["-nvalue", ["fly", "-tprod", "pipelines"], ["prod"]],
    ["-n=value", ["fly", "-t=prod", "pipelines"], ["prod"]],
    ["an empty =value", ["fly", "--target=", "x"], [""]],
    [
      "repeated, in order",
      ["fly", "-t", "dev", "--target=prod", "-tstaging"],
      ["dev", "prod", "staging"],
    ],
    ["a value that looks like an option", ["fly", "-t", "-p", "main"], ["-p"]],
    ["the flag as the last word", ["fly", "pipelines", "-t"], []],
    ["after a bare --", ["fly", "pipelines", "--", "-t", "prod"], []],
    ["before and after --", ["fly", "-t", "dev", "--", "-t", "prod"], ["dev"]],
    ["absent", ["fly", "pipelines"], []],
    ["a longer flag sharing the prefix", ["fly", "--targets", "x", "--target-x=y"], []],
    ["a value is not read again as a flag", ["fly", "-t", "-t", "prod"], ["-t"]],
  ])("%s", (_name, argv, expected) => {
    expect(flagValues(argv, TARGET)).toEqual(expected);
  });

  it("reads glued values only for single-dash single-letter names", () => {
    expect(flagValues(["kubectl", "--contextprod"], ["--context"])).toEqual([]);
    expect(flagValues(["kubectl", "--context=prod"], ["--context"])).toEqual(["prod"]);
    expect(flagValues(["terraform", "-var-file=prod.tfvars"], ["-var-file"])).toEqual([
      "prod.tfvars",
    ]);
    expect(flagValues(["terraform", "-var-fileprod"], ["-var-file"])).toEqual([]);
  });
});

describe("positionalValue", () => {
  it("indexes argv with the program at 0", () => {
    const argv = ["aws", "s3", "rb", "s3://bucket"];
    expect(positionalValue(argv, 0)).toBe("aws");
    expect(positionalValue(argv, 3)).toBe("s3://bucket");
    expect(positionalValue(argv, 4)).toBeUndefined();
  });
});
