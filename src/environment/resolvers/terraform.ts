/**
 * `terraform`: the workspace as terraform picks it — `$TF_WORKSPACE`, else the name in
 * `.terraform/environment` (the data folder is `$TF_DATA_DIR` when set) under `-chdir=DIR` or
 * the working folder, else `default` — and the backend's identity from
 * `.terraform/terraform.tfstate` (an S3 bucket and key, a GCS bucket and prefix, …). Only
 * identity fields are read from the backend's configuration, never its credentials.
 */
import { flagValues } from "../../command/flags.js";
import { lastOf, toolPath } from "./paths.js";
import { asRecord, asString, ConfigProblem, parseJsonFile, readText, shown } from "./problem.js";
import type { ResolverInput, TargetReading } from "./types.js";

export function readTerraform(input: ResolverInput): TargetReading {
  // -chdir is a global option, written before the subcommand.
  const chdir = lastOf(flagValues(input.argv.slice(0, subcommandIndex(input.argv)), ["-chdir"]));
  const dir = chdir ? toolPath(chdir, input.cwd, input.home) : input.cwd;
  const dataDir = toolPath(input.vars.TF_DATA_DIR || ".terraform", dir, input.home);
  const files: string[] = [];

  let workspace = input.vars.TF_WORKSPACE || undefined;
  let source = "variable TF_WORKSPACE";
  if (workspace === undefined) {
    const path = `${dataDir}/environment`;
    const text = readText(input.files, path, input.home);
    if (text !== undefined) {
      files.push(path);
      workspace = text.trim();
      source = shown(path, input.home);
      if (workspace === "" || /\s/.test(workspace)) {
        throw new ConfigProblem(`${source} line 1: not a workspace name`);
      }
    } else {
      workspace = "default";
      source = `no ${shown(path, input.home)}`;
    }
  }

  const backend = readBackend(input, `${dataDir}/terraform.tfstate`, files);
  return {
    tool: "terraform",
    truth: { workspace, ...(backend && { backend }) },
    where: `workspace ${workspace} (${source})${chdir ? ` in ${chdir}` : ""}${backend ? `, state ${backend}` : ""}`,
    files,
  };
}

/** The backend's identity (`s3://bucket/key`), or undefined when terraform was not initialised. */
function readBackend(input: ResolverInput, path: string, files: string[]): string | undefined {
  const text = readText(input.files, path, input.home);
  if (text === undefined) return undefined;
  files.push(path);
  const name = shown(path, input.home);
  const doc = asRecord(parseJsonFile(text, path, input.home), name);
  const backend = asRecord(doc.backend, `${name}: backend`);
  const type = asString(backend.type, `${name}: backend.type`);
  if (type === undefined) return undefined;
  const config = asRecord(backend.config, `${name}: backend.config`);
  const field = (key: string) => asString(config[key], `${name}: backend.config.${key}`);
  const parts: Record<string, (string | undefined)[]> = {
    s3: [field("bucket"), field("key")],
    gcs: [field("bucket"), field("prefix")],
    azurerm: [field("storage_account_name"), field("container_name"), field("key")],
    remote: [field("hostname") ?? "app.terraform.io", field("organization")],
    cloud: [field("hostname") ?? "app.terraform.io", field("organization")],
    consul: [field("address"), field("path")],
    http: [field("address")],
    local: [field("path")],
    pg: [],
  };
  const identity = (parts[type] ?? []).filter((p): p is string => p !== undefined);
  return identity.length > 0 ? `${type}://${identity.join("/")}` : type;
}

/** The first word that is not an option: terraform's subcommand. */
function subcommandIndex(argv: readonly string[]): number {
  for (let i = 1; i < argv.length; i++) if (!argv[i]!.startsWith("-")) return i;
  return argv.length;
}
