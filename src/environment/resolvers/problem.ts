/**
 * Reading a tool's configuration file, turning every way it can be wrong into one line that
 * names the file and, where there is one, the line: a resolver that cannot read its
 * configuration says so, and the environment is unknown (never a guess, never a crash).
 */
import { createRequire } from "node:module";
import { parseBlockYaml } from "./block-yaml.js";
import type { ConfigFiles } from "./types.js";

/** A configuration that cannot be read; its message is the one-line reason shown to the operator. */
export class ConfigProblem extends Error {
  /** The name the command used for its target, known before the configuration failed. */
  alias?: { value: string; source: string };
}

/** Runs `read`; a problem it meets keeps the name the command gave (`fly -t prod` is still "prod"). */
export function keepingAlias<T>(
  alias: { value: string; source: string } | undefined,
  read: () => T,
): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigProblem && alias && !error.alias) error.alias = alias;
    throw error;
  }
}

/** Shortens `/home/me/.kube/config` to `~/.kube/config` for messages. */
export function shown(path: string, home: string): string {
  return home !== "" && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** The file's text, or undefined when it does not exist; a file that cannot be read is a problem. */
export function readText(files: ConfigFiles, path: string, home: string): string | undefined {
  try {
    return files.read(path);
  } catch (error) {
    throw new ConfigProblem(`${shown(path, home)}: cannot be read (${(error as Error).message})`);
  }
}

/** YAML as the Go tools write it; a syntax error is reported with its line. */
export function parseYamlFile(text: string, path: string, home: string): unknown {
  const simple = parseBlockYaml(text);
  if (simple !== undefined) return simple;
  // Beyond the plain block YAML the tools write: the full parser, loaded only now (~tens of ms).
  const yaml = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  try {
    return yaml.parse(text, { maxAliasCount: 100 });
  } catch (error) {
    const line = error instanceof yaml.YAMLParseError ? error.linePos?.[0]?.line : undefined;
    const what = (error as Error).message.split("\n")[0]?.replace(/ at line \d+.*$/, "");
    throw new ConfigProblem(
      `${shown(path, home)}${line ? ` line ${line}` : ""}: not valid YAML (${what})`,
    );
  }
}

/** JSON, with the line of a syntax error. */
export function parseJsonFile(text: string, path: string, home: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    const line = at === undefined ? undefined : text.slice(0, Number(at)).split("\n").length;
    throw new ConfigProblem(`${shown(path, home)}${line ? ` line ${line}` : ""}: not valid JSON`);
  }
}

/**
 * What a field is called in a message: text, or a function that makes it, for fields read in
 * a loop over a file's entries, where building every name would cost more than the reading.
 */
export type FieldName = string | (() => string);

/** A plain object, or a problem naming what was expected. */
export function asRecord(value: unknown, what: FieldName): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigProblem(`${nameOf(what)} is not a map`);
  }
  return value as Record<string, unknown>;
}

/** A string field, or undefined; anything else is a problem. */
export function asString(value: unknown, what: FieldName): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new ConfigProblem(`${nameOf(what)} is not text`);
}

function nameOf(what: FieldName): string {
  return typeof what === "string" ? what : what();
}
