/**
 * Where the review tools (validate, lint, explain, test, diff) read a policy from: files and
 * folders on disk, or a version in git (`git:REV:path`, read with `git show`), so `policy
 * diff git:main:preflight.yaml preflight.yaml` compares a branch with what it would replace.
 *
 * A policy is what `--policy PATH` would load: a file, or a folder's `*.yaml`/`*.yml`. Its
 * test files are the `*.test.yaml` beside it: `NAME.test.yaml` for a file `NAME.yaml`, and
 * every `*.test.yaml` in a folder.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { PolicyProblem } from "../../errors.js";

export interface SourceText {
  /** How messages name the file: relative to the working folder, or `git:REV:path`. */
  file: string;
  text: string;
}

export interface PolicyTexts {
  /** The policy as the reader named it (a path, a list of paths, or `git:REV:path`). */
  name: string;
  files: SourceText[];
  testFiles: SourceText[];
  /** Files or folders that could not be read; the policy is then invalid. */
  problems: PolicyProblem[];
}

const POLICY_FILE = /\.ya?ml$/;
const TEST_FILE = /\.test\.ya?ml$/;

/** Reads one policy given as a path or `git:REV:path`. */
export function readPolicySource(spec: string, cwd: string): PolicyTexts {
  return spec.startsWith("git:") ? readFromGit(spec, cwd) : readFromDisk([spec], cwd, spec);
}

/** Reads the files of one policy made of several paths (merged, as repeated --policy are). */
export function readFromDisk(paths: readonly string[], cwd: string, name: string): PolicyTexts {
  const out: PolicyTexts = { name, files: [], testFiles: [], problems: [] };
  for (const path of paths) {
    const full = resolve(cwd, path);
    const shown = displayName(full, cwd);
    let isFolder: boolean;
    try {
      isFolder = statSync(full).isDirectory();
    } catch {
      out.problems.push(missing(shown));
      continue;
    }
    const names = isFolder ? readdirSync(full).sort() : [basename(full)];
    const folder = isFolder ? full : dirname(full);
    const policyNames = names.filter((n) => POLICY_FILE.test(n) && !TEST_FILE.test(n));
    const testNames = isFolder
      ? names.filter((n) => TEST_FILE.test(n))
      : siblingTests(basename(full)).filter((n) => existsSync(join(folder, n)));
    if (isFolder && policyNames.length === 0) {
      out.problems.push({
        file: shown,
        line: 1,
        column: 1,
        message: "this policy folder has no *.yaml or *.yml files",
      });
    }
    for (const n of policyNames) readText(join(folder, n), cwd, out.problems, out.files);
    for (const n of testNames) readText(join(folder, n), cwd, out.problems, out.testFiles);
  }
  return out;
}

/** `git:REV:path`: the policy as it is in revision REV of the repository around `cwd`. */
function readFromGit(spec: string, cwd: string): PolicyTexts {
  const out: PolicyTexts = { name: spec, files: [], testFiles: [], problems: [] };
  const rest = spec.slice("git:".length);
  const colon = rest.indexOf(":");
  if (colon <= 0 || colon === rest.length - 1) {
    out.problems.push({
      file: spec,
      line: 1,
      column: 1,
      message: "a git policy is written git:REV:path",
      hint: "for example git:main:preflight.yaml or git:HEAD~1:policies/",
    });
    return out;
  }
  const rev = rest.slice(0, colon);
  const path = rest.slice(colon + 1).replace(/\/+$/, "");
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  let kind: string;
  try {
    kind = git("cat-file", "-t", `${rev}:${path}`).trim();
  } catch (error) {
    out.problems.push({
      file: spec,
      line: 1,
      column: 1,
      message: `git cannot read ${rev}:${path} (${gitMessage(error)})`,
      hint: "check the revision and the path (relative to the repository's top; ./ for the working folder)",
    });
    return out;
  }
  const show = (p: string): SourceText => ({
    file: `git:${rev}:${p}`,
    text: git("show", `${rev}:${p}`),
  });
  if (kind === "tree") {
    const names = git("ls-tree", "--name-only", `${rev}:${path}`).split("\n").filter(Boolean);
    const sorted = names.sort();
    for (const n of sorted.filter((n) => POLICY_FILE.test(n) && !TEST_FILE.test(n)))
      out.files.push(show(`${path}/${n}`));
    for (const n of sorted.filter((n) => TEST_FILE.test(n)))
      out.testFiles.push(show(`${path}/${n}`));
    return out;
  }
  out.files.push(show(path));
  const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
  for (const n of siblingTests(basename(path))) {
    try {
      git("cat-file", "-e", `${rev}:${folder}${n}`);
      out.testFiles.push(show(`${folder}${n}`));
    } catch {
      // No test file beside it in that revision.
    }
  }
  return out;
}

/** `NAME.test.yaml` and `NAME.test.yml` for a policy file `NAME.yaml`. */
function siblingTests(file: string): string[] {
  if (TEST_FILE.test(file)) return [];
  const stem = file.replace(POLICY_FILE, "");
  return [`${stem}.test.yaml`, `${stem}.test.yml`];
}

function readText(full: string, cwd: string, problems: PolicyProblem[], into: SourceText[]): void {
  const file = displayName(full, cwd);
  try {
    into.push({ file, text: readFileSync(full, "utf8") });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    problems.push({ file, line: 1, column: 1, message: `cannot read the file (${code})` });
  }
}

/** A path as messages show it: relative to the working folder when it is inside it. */
export function displayName(full: string, cwd: string): string {
  const rel = relative(cwd, full);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : full;
}

function missing(file: string): PolicyProblem {
  return {
    file,
    line: 1,
    column: 1,
    message: "no policy file or folder here",
    hint: "check the path; a review tool refuses rather than report on nothing",
  };
}

function gitMessage(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  return stderr?.split("\n")[0] || (error as Error).message;
}
