/**
 * Judging a check's output (a command's stdout, a response's body) against the policy's
 * expectations: text (equals / contains / matches), a JSON path's value, and a number's
 * limits. Pure functions, so every wording can be unit-tested.
 */
import type { NumberLimits, OutputExpectation } from "../policy/types.js";
import { readJsonPath } from "./json-path.js";
import type { CheckOutcome, CheckStatus, CheckValue } from "./types.js";

const SHOWN = 120;

/** The worst of several statuses: fail > warn > pass. */
export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes("fail")) return "fail";
  if (statuses.includes("warn")) return "warn";
  return "pass";
}

/**
 * The output judged against every expectation given. `label` names the output in messages
 * ("stdout", "the body"). `value` is what was measured: the number, else the JSON value, else
 * the first line of output; undefined when there were no expectations at all.
 */
export function judgeOutput(
  output: string,
  expectation: OutputExpectation,
  label: string,
): CheckOutcome | undefined {
  const parts: CheckOutcome[] = [];
  const trimmed = output.trim();
  if (expectation.text) parts.push(judgeText(trimmed, expectation.text, label));

  let jsonValue: unknown;
  if (expectation.json) {
    const read = readJson(trimmed, expectation.json.path, label);
    if ("failure" in read) return { status: "fail", detail: read.failure };
    jsonValue = read.value;
    // With a number to judge and nothing to compare, the number's verdict says it all.
    if (expectation.json.equals !== undefined || !expectation.number) {
      parts.push(judgeJson(expectation.json.path, jsonValue, expectation.json.equals));
    }
  }
  if (expectation.number) {
    const number = expectation.json ? numberFrom(jsonValue) : firstNumber(trimmed);
    if (number === undefined) {
      parts.push({
        status: "fail",
        detail: expectation.json
          ? `${expectation.json.path} is ${shown(jsonValue)}, not a number`
          : `no number in ${label}: ${quote(firstLine(trimmed)) || "(empty)"}`,
      });
    } else {
      const judged = judgeNumber(number, expectation.number);
      parts.push(
        expectation.json
          ? { ...judged, detail: `${expectation.json.path}: ${judged.detail}` }
          : judged,
      );
    }
  }
  if (parts.length === 0) return undefined;
  // The failing parts explain the verdict; when all pass, every part is worth a word.
  const status = worst(parts.map((p) => p.status));
  const telling = status === "pass" ? parts : parts.filter((p) => p.status === status);
  const measured = [...parts].reverse().find((p) => p.value !== undefined)?.value;
  return {
    status,
    detail: telling.map((p) => p.detail).join("; "),
    ...(measured !== undefined && { value: measured }),
  };
}

/** Text compared after trimming surrounding whitespace (psql prints `t\n`). */
export function judgeText(
  trimmed: string,
  text: NonNullable<OutputExpectation["text"]>,
  label: string,
): CheckOutcome {
  const value = firstLine(trimmed);
  const failures: string[] = [];
  if (text.equals !== undefined && trimmed !== text.equals.trim()) {
    failures.push(
      `${label} is ${quote(trimmed) || "empty"}, expected ${quote(text.equals.trim())}`,
    );
  }
  if (text.contains !== undefined && !trimmed.includes(text.contains)) {
    failures.push(
      `${label} does not contain ${quote(text.contains)}: ${quote(value) || "(empty)"}`,
    );
  }
  if (text.matches !== undefined && !new RegExp(text.matches, "m").test(trimmed)) {
    failures.push(`${label} does not match /${text.matches}/: ${quote(value) || "(empty)"}`);
  }
  if (failures.length > 0) return { status: "fail", detail: failures.join("; "), value };
  const said =
    text.equals !== undefined
      ? `${label} is ${quote(trimmed)}`
      : text.contains !== undefined
        ? `${label} contains ${quote(text.contains)}`
        : `${label} matches /${text.matches}/`;
  return { status: "pass", detail: said, value };
}

/** The value at a JSON path, compared with `equals` when given (numbers and strings loosely: 1 = "1"). */
export function judgeJson(
  path: string,
  value: unknown,
  equals: string | number | boolean | null | undefined,
): CheckOutcome {
  const measured = toCheckValue(value);
  if (equals !== undefined && !looselyEqual(value, equals)) {
    return {
      status: "fail",
      detail: `${path} is ${shown(value)}, expected ${shown(equals)}`,
      value: measured,
    };
  }
  return { status: "pass", detail: `${path} is ${shown(value)}`, value: measured };
}

/**
 * A number against its limits: fails above max or below min, warns past `warn` (on the side
 * of the limit it goes with). The detail always states the value and the limit.
 */
export function judgeNumber(value: number, limits: NumberLimits): CheckOutcome {
  const { min, max, warn } = limits;
  const v = formatNumber(value);
  if (max !== undefined && value > max) {
    return { status: "fail", detail: `${v} is above the maximum of ${formatNumber(max)}`, value };
  }
  if (min !== undefined && value < min) {
    return { status: "fail", detail: `${v} is below the minimum of ${formatNumber(min)}`, value };
  }
  if (warn !== undefined && max !== undefined && value > warn) {
    return {
      status: "warn",
      detail: `${v} is past the warning level of ${formatNumber(warn)} (maximum ${formatNumber(max)})`,
      value,
    };
  }
  if (warn !== undefined && min !== undefined && value < warn) {
    return {
      status: "warn",
      detail: `${v} is below the warning level of ${formatNumber(warn)} (minimum ${formatNumber(min)})`,
      value,
    };
  }
  const bounds = [
    min !== undefined ? `minimum ${formatNumber(min)}` : "",
    max !== undefined ? `maximum ${formatNumber(max)}` : "",
  ].filter(Boolean);
  return { status: "pass", detail: `${v} (${bounds.join(", ")})`, value };
}

/** The first number written in a text: `0.93 public.events_id_seq` → 0.93. */
export function firstNumber(text: string): number | undefined {
  // Not inside a word (`log2020_id_seq`, `v2`), so a name cannot be read as the measurement.
  const match = /(?<![\w.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\w])/.exec(text);
  if (!match) return undefined;
  const value = Number(match[0]);
  return Number.isFinite(value) ? value : undefined;
}

function readJson(
  text: string,
  path: string,
  label: string,
): { value: unknown } | { failure: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      failure: `${label} is not JSON (${(error as Error).message}): ${quote(firstLine(text)) || "(empty)"}`,
    };
  }
  const read = readJsonPath(parsed, path);
  if (!read.found) return { failure: `${label} has no ${path} in its JSON` };
  return { value: read.value };
}

function numberFrom(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function looselyEqual(value: unknown, expected: string | number | boolean | null): boolean {
  if (value === expected) return true;
  if (value === null || expected === null) return false;
  if (typeof value === "object") return false;
  return String(value) === String(expected);
}

function toCheckValue(value: unknown): CheckValue {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
    return value as CheckValue;
  }
  return JSON.stringify(value).slice(0, 200);
}

/** 0.9000000001 → "0.9", 1932735283 → "1932735283": enough digits to tell, not more. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

function quote(text: string): string {
  if (text === "") return "";
  return JSON.stringify(text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text);
}

export function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}
