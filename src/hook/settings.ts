/**
 * Adding preflight's hook to an agent's settings file, and taking it out again, without
 * touching anything else in it. Pure: text in, text out. An entry is preflight's when its
 * command runs `preflight … hook AGENT`; that is how uninstall finds exactly what install added.
 */
import type { AgentProtocol } from "./agents.js";

export interface SettingsEdit {
  /** The new file text; equal to the old one when nothing changes. */
  text: string;
  changed: boolean;
  /** One line on what was done ("added …", "already installed", "removed 1 entry"). */
  summary: string;
}

/** The settings file's contents cannot be merged safely; the message names where and why. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

type Json = Record<string, unknown>;

/** Adds the hook running `command` (or updates preflight's own entry); idempotent. */
export function addHook(
  agent: AgentProtocol,
  file: string,
  existing: string | undefined,
  command: string,
): SettingsEdit {
  const root = parseSettings(file, existing);
  const hooks = objectAt(root, "hooks", file);
  const list = listAt(hooks, agent.event, file);
  const ours = handlers(list).filter((h) => isPreflightHook(h.command, agent));
  if (ours.some((h) => h.command === command)) {
    return {
      text: existing ?? "",
      changed: false,
      summary: "already installed; nothing to change",
    };
  }
  let summary: string;
  if (ours.length > 0) {
    for (const handler of ours) handler.command = command;
    summary = `updated preflight's ${agent.event} hook to run: ${command}`;
  } else {
    list.push(agent.entry(command));
    summary = `added a ${agent.event} hook for ${agent.shellTool} that runs: ${command}`;
  }
  return { text: render(root, existing), changed: true, summary };
}

/** Removes preflight's entries, and the containers that held only them. */
export function removeHook(
  agent: AgentProtocol,
  file: string,
  existing: string | undefined,
): SettingsEdit {
  if (existing === undefined) {
    return { text: "", changed: false, summary: "no settings file; nothing to remove" };
  }
  const root = parseSettings(file, existing);
  const hooks = root.hooks;
  const list = isObject(hooks) ? hooks[agent.event] : undefined;
  if (!isObject(hooks) || !Array.isArray(list)) {
    return { text: existing, changed: false, summary: "preflight's hook is not installed" };
  }
  let removed = 0;
  const kept = list.filter((group) => {
    if (!isObject(group) || !Array.isArray(group.hooks)) return true;
    const all: unknown[] = group.hooks;
    const others = all.filter((h) => !(isObject(h) && isPreflightHook(h.command, agent)));
    removed += all.length - others.length;
    group.hooks = others;
    return others.length > 0 || all.length === 0;
  });
  if (removed === 0) {
    return { text: existing, changed: false, summary: "preflight's hook is not installed" };
  }
  if (kept.length > 0) hooks[agent.event] = kept;
  else delete hooks[agent.event];
  if (Object.keys(hooks).length === 0) delete root.hooks;
  return {
    text: render(root, existing),
    changed: true,
    summary: `removed preflight's ${agent.event} hook (${removed} entr${removed === 1 ? "y" : "ies"})`,
  };
}

/** True for a hook command that runs `preflight hook AGENT` (any path, any quoting). */
export function isPreflightHook(command: unknown, agent: AgentProtocol): boolean {
  if (typeof command !== "string") return false;
  return new RegExp(`preflight(\\.js)?['"]?\\s+hook\\s+${agent.name}(\\s|$)`).test(command);
}

function parseSettings(file: string, text: string | undefined): Json {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = at ? `:${lineAndColumn(text, Number(at[1]))}` : "";
    throw new SettingsError(
      `${file}${where}: not valid JSON (${message}); preflight changes nothing in a file it cannot read`,
    );
  }
  if (!isObject(value)) throw new SettingsError(`${file}: the settings are not a JSON object`);
  return value;
}

function objectAt(parent: Json, key: string, file: string): Json {
  const value = parent[key];
  if (value === undefined) {
    const created: Json = {};
    parent[key] = created;
    return created;
  }
  if (!isObject(value)) throw new SettingsError(`${file}: "${key}" is not an object`);
  return value;
}

function listAt(parent: Json, key: string, file: string): unknown[] {
  const value = parent[key];
  if (value === undefined) {
    const created: unknown[] = [];
    parent[key] = created;
    return created;
  }
  if (!Array.isArray(value)) throw new SettingsError(`${file}: "hooks.${key}" is not a list`);
  return value;
}

function handlers(list: unknown[]): Json[] {
  return list.flatMap((group) =>
    isObject(group) && Array.isArray(group.hooks) ? group.hooks.filter(isObject) : [],
  );
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON in the file's own indentation (two spaces for a new file). */
function render(root: Json, existing: string | undefined): string {
  const indent = /\n([ \t]+)"/.exec(existing ?? "")?.[1] ?? "  ";
  return `${JSON.stringify(root, null, indent)}\n`;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `${line}:${offset - before.lastIndexOf("\n")}`;
}
