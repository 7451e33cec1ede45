/** Output expectations: what passes, warns and fails, and the words each verdict uses. */
import { describe, expect, it } from "vitest";
import { firstNumber, formatNumber, judgeNumber, judgeOutput } from "./expect-output.js";

describe("judgeNumber", () => {
  it("fails above max and below min, naming the value and the limit", () => {
    expect(judgeNumber(0.9, { max: 0.8 })).toEqual({
      status: "fail",
      detail: "0.9 is above the maximum of 0.8",
      value: 0.9,
    });
    expect(judgeNumber(2, { min: 3 })).toEqual({
      status: "fail",
      detail: "2 is below the minimum of 3",
      value: 2,
    });
  });

  it("warns past warn on the side of the limit it goes with", () => {
    expect(judgeNumber(0.6, { max: 0.8, warn: 0.5 })).toEqual({
      status: "warn",
      detail: "0.6 is past the warning level of 0.5 (maximum 0.8)",
      value: 0.6,
    });
    expect(judgeNumber(4, { min: 2, warn: 5 })).toMatchObject({
      status: "warn",
      detail: "4 is below the warning level of 5 (minimum 2)",
    });
  });

  it("passes inside the limits and still shows the value", () => {
    expect(judgeNumber(0.1, { max: 0.8, warn: 0.5 })).toEqual({
      status: "pass",
      detail: "0.1 (maximum 0.8)",
      value: 0.1,
    });
    expect(judgeNumber(5, { min: 1, max: 10 }).detail).toBe("5 (minimum 1, maximum 10)");
  });

  it("treats the limits as inclusive", () => {
    expect(judgeNumber(0.8, { max: 0.8 }).status).toBe("pass");
    expect(judgeNumber(0.5, { max: 0.8, warn: 0.5 }).status).toBe("pass");
  });
});

describe("firstNumber", () => {
  it("reads the first number written, signs and decimals included", () => {
    expect(firstNumber("0.93 public.events_id_seq")).toBe(0.93);
    expect(firstNumber("lag: -12 bytes")).toBe(-12);
    expect(firstNumber("1.5e3")).toBe(1500);
  });

  it("does not read digits inside a word as the measurement", () => {
    expect(firstNumber("log2020_id_seq 0.4")).toBe(0.4);
    expect(firstNumber("v2 is fine")).toBeUndefined();
  });

  it("finds nothing in text without a number", () => {
    expect(firstNumber("")).toBeUndefined();
    expect(firstNumber("ERROR: relation does not exist")).toBeUndefined();
  });
});

describe("judgeOutput", () => {
  it("compares equals after trimming surrounding whitespace (psql prints t and a newline)", () => {
    expect(judgeOutput("t\n", { text: { equals: "t" } }, "stdout")).toEqual({
      status: "pass",
      detail: 'stdout is "t"',
      value: "t",
    });
    expect(judgeOutput(" f \n", { text: { equals: "t" } }, "stdout")).toEqual({
      status: "fail",
      detail: 'stdout is "f", expected "t"',
      value: "f",
    });
  });

  it("checks contains and matches, quoting what was there instead", () => {
    expect(judgeOutput("status: sealed", { text: { contains: "unsealed" } }, "the body")).toEqual({
      status: "fail",
      detail: 'the body does not contain "unsealed": "status: sealed"',
      value: "status: sealed",
    });
    expect(
      judgeOutput("a\nready 3/3", { text: { matches: "^ready \\d+/\\d+$" } }, "stdout"),
    ).toMatchObject({ status: "pass", detail: "stdout matches /^ready \\d+/\\d+$/" });
  });

  it("reads a JSON path and compares it, strings and numbers loosely", () => {
    const body = JSON.stringify({ data: { items: [{ id: 7 }], sealed: false } });
    expect(
      judgeOutput(body, { json: { path: "data.items[0].id", equals: "7" } }, "the body"),
    ).toEqual({ status: "pass", detail: "data.items[0].id is 7", value: 7 });
    expect(judgeOutput(body, { json: { path: "data.sealed", equals: true } }, "the body")).toEqual({
      status: "fail",
      detail: "data.sealed is false, expected true",
      value: false,
    });
  });

  it("fails, saying so, when the output is not JSON or the path is not there", () => {
    expect(judgeOutput("<html>", { json: { path: "a" } }, "the body")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^the body is not JSON \(.*\): "<html>"$/),
    });
    expect(judgeOutput('{"a":1}', { json: { path: "b.c" } }, "the body")).toEqual({
      status: "fail",
      detail: "the body has no b.c in its JSON",
    });
  });

  it("reads number from the JSON path when both are given", () => {
    const out = JSON.stringify({ lag: { bytes: 2048 } });
    expect(
      judgeOutput(out, { json: { path: "lag.bytes" }, number: { max: 1024 } }, "stdout"),
    ).toEqual({
      status: "fail",
      detail: "lag.bytes: 2048 is above the maximum of 1024",
      value: 2048,
    });
    expect(
      judgeOutput('{"lag":"n/a"}', { json: { path: "lag" }, number: { max: 1 } }, "stdout"),
    ).toMatchObject({ status: "fail", detail: 'lag is "n/a", not a number' });
  });

  it("fails when there is no number to judge, quoting the output", () => {
    expect(judgeOutput("ERROR: permission denied\n", { number: { max: 1 } }, "stdout")).toEqual({
      status: "fail",
      detail: 'no number in stdout: "ERROR: permission denied"',
    });
  });

  it("explains a failure by its failing parts only, and a pass by all of them", () => {
    const both = { text: { contains: "seq" }, number: { max: 0.8 } };
    expect(judgeOutput("0.95 seq", both, "stdout")).toEqual({
      status: "fail",
      detail: "0.95 is above the maximum of 0.8",
      value: 0.95,
    });
    expect(judgeOutput("0.1 seq", both, "stdout")).toEqual({
      status: "pass",
      detail: 'stdout contains "seq"; 0.1 (maximum 0.8)',
      value: 0.1,
    });
  });

  it("has nothing to say when nothing is expected of the output", () => {
    expect(judgeOutput("anything", {}, "stdout")).toBeUndefined();
  });
});

describe("formatNumber", () => {
  it("shows enough digits to tell values apart, and integers whole", () => {
    expect(formatNumber(0.9000000001)).toBe("0.9");
    expect(formatNumber(2147483647)).toBe("2147483647");
    expect(formatNumber(0.123456789)).toBe("0.123457");
  });
});
