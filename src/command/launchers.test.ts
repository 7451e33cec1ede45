import { describe, expect, it } from "vitest";
import { launchedCommand, packageCommand } from "./launchers.js";

describe("launchedCommand", () => {
  it.each<[string, string[], string[], string]>([
    ["busybox", ["busybox", "rm", "-rf", "/data"], ["rm", "-rf", "/data"], "busybox"],
    ["toybox", ["toybox", "/bin/rm", "x"], ["rm", "x"], "toybox"],
    [
      "python3",
      ["python3", "-m", "awscli", "s3", "rb", "s3://b"],
      ["aws", "s3", "rb", "s3://b"],
      "python -m awscli",
    ],
    ["python", ["python", "-mawscli", "s3", "ls"], ["aws", "s3", "ls"], "python -m awscli"],
    [
      "python3.12 with flags",
      ["python3.12", "-I", "-W", "ignore", "-Bm", "awscli", "ec2", "x"],
      ["aws", "ec2", "x"],
      "python -m awscli",
    ],
    ["npx", ["npx", "wrangler@3", "delete"], ["wrangler", "delete"], "npx"],
    ["npx --yes", ["npx", "--yes", "@scope/kubectl", "get"], ["kubectl", "get"], "npx"],
    ["npx a mapped package", ["npx", "aws-cdk", "destroy"], ["cdk", "destroy"], "npx"],
    ["npx -p", ["npx", "-p", "aws-cdk@2", "cdk", "destroy"], ["cdk", "destroy"], "npx"],
    ["npx --package=", ["npx", "--package=x", "fly", "dp"], ["fly", "dp"], "npx"],
    ["npm's real npx file", ["npx-cli.js", "fly", "dp"], ["fly", "dp"], "npx"],
    [
      "pnpm dlx",
      ["pnpm", "dlx", "netlify-cli", "sites:delete"],
      ["netlify", "sites:delete"],
      "pnpm dlx",
    ],
    ["pnpm --silent dlx", ["pnpm", "--silent", "dlx", "fly", "dp"], ["fly", "dp"], "pnpm dlx"],
    [
      "a kubectl plugin",
      ["kubectl-ns_tools-wipe", "--context", "prod"],
      ["kubectl", "ns-tools", "wipe", "--context", "prod"],
      "kubectl plugin",
    ],
  ])("%s runs the program it names", (name, argv, expected, how) => {
    const launcher = name.split(" ")[0]!;
    expect(launchedCommand(argv[0] === launcher ? launcher : argv[0]!, argv)).toEqual({
      argv: expected,
      how,
    });
  });

  it.each<[string, string[]]>([
    ["busybox --list", ["busybox", "--list"]],
    ["busybox alone", ["busybox"]],
    ["python running a script", ["python3", "deploy.py", "-m", "awscli"]],
    ["python -c", ["python3", "-c", "import awscli"]],
    ["python -m of another module", ["python3", "-m", "http.server"]],
    ["python reading stdin", ["python3", "-"]],
    ["npx -c", ["npx", "-c", "fly dp"]],
    ["npx alone", ["npx", "--yes"]],
    ["pnpm install", ["pnpm", "install", "fly"]],
    ["a program that is no launcher", ["kubectl", "delete"]],
    ["kubectl- alone", ["kubectl-"]],
    ["pythonista", ["pythonista", "-m", "awscli"]],
  ])("%s runs nothing it names", (_name, argv) => {
    expect(launchedCommand(argv[0]!, argv)).toBeUndefined();
  });
});

describe("packageCommand", () => {
  it.each([
    ["wrangler", "wrangler"],
    ["wrangler@3.1.0", "wrangler"],
    ["@railway/cli", "railway"],
    ["@railway/cli@latest", "railway"],
    ["@scope/tool@1", "tool"],
    ["firebase-tools", "firebase"],
  ])("%s runs %s", (spec, command) => {
    expect(packageCommand(spec)).toBe(command);
  });
});
