/**
 * Fake kubectl, cf, bosh, terraform and PostgreSQL clients for the ground-truth tests: each
 * records that it ran (its name and arguments, one line each) in the workspace's `tools.log`
 * and exits 0. The configuration they would read lives in the workspace's home folder, in
 * the real tools' formats (see test/e2e/ground-truth.test.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Workspace } from "./workspace.js";

export const RECORDING_TOOLS = ["kubectl", "helm", "cf", "bosh", "terraform", "dropdb", "psql"];

/** Installs the recording fakes into the workspace's bin folder; returns the log's path. */
export function installRecordingTools(ws: Workspace): string {
  const log = ws.path("tools.log");
  for (const name of RECORDING_TOOLS) {
    ws.installScript(name, `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\nexit 0\n`);
  }
  return log;
}

/** The commands the fakes ran, as "kubectl delete namespace payments" lines. */
export function toolCalls(ws: Workspace): string[] {
  const log = ws.path("tools.log");
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

/** Writes a file under the workspace's home folder (`.kube/config`), folders included. */
export function writeHomeFile(ws: Workspace, path: string, text: string): string {
  const file = join(ws.home, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** Writes a file under the workspace's root (the working folder of its runs). */
export function writeWorkFile(ws: Workspace, path: string, text: string): string {
  const file = ws.path(path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A kubeconfig as `kubectl config view --raw` writes it, with a token and a client key in it. */
export function kubeconfig(options: {
  current?: string;
  clusters: Record<string, string>;
  contexts: Record<string, { cluster: string; namespace?: string }>;
  secret?: string;
}): string {
  const lines = ["apiVersion: v1", "kind: Config", "preferences: {}"];
  if (options.current) lines.push(`current-context: ${options.current}`);
  lines.push("clusters:");
  for (const [name, server] of Object.entries(options.clusters)) {
    lines.push(
      "- cluster:",
      "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJU",
      `    server: ${server}`,
      `  name: ${name}`,
    );
  }
  lines.push("contexts:");
  for (const [name, c] of Object.entries(options.contexts)) {
    lines.push(
      "- context:",
      `    cluster: ${c.cluster}`,
      ...(c.namespace ? [`    namespace: ${c.namespace}`] : []),
      "    user: admin",
      `  name: ${name}`,
    );
  }
  lines.push(
    "users:",
    "- name: admin",
    "  user:",
    `    token: ${options.secret ?? "kube-token-0000"}`,
    `    client-key-data: ${Buffer.from(options.secret ?? "key").toString("base64")}`,
  );
  return `${lines.join("\n")}\n`;
}
