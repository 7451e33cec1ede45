import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  fillArgv,
  fillShell,
  formatArgv,
  placeholdersIn,
  shellQuote,
  TemplateError,
} from "./template.js";

const values: Record<string, string> = {
  target: "prod",
  resource: "main",
  env: "production",
  "args.group-id": "sg-123",
  "params.max": "5",
  "vars.AWS_PROFILE": "ops",
};
const lookup = (name: string): string | undefined => values[name];

/** What sh prints for `printf %s <filled>`: the value as the shell really sees it. */
function shPrintf(filled: string): string {
  return execFileSync("sh", ["-c", `printf %s ${filled}`], { encoding: "utf8" });
}

describe("placeholdersIn", () => {
  it("lists each name once, in order, across argv elements", () => {
    expect(placeholdersIn(["fly", "-t", "{target}", "-p", "{resource}", "{target}"])).toEqual([
      "target",
      "resource",
    ]);
    expect(placeholdersIn("aws ec2 x --group-id {args.group-id} {params.max} {vars.A_B}")).toEqual([
      "args.group-id",
      "params.max",
      "vars.A_B",
    ]);
  });

  it("skips escaped braces and braces that do not hold a name", () => {
    expect(placeholdersIn("{{target}} {1x} { target } awk '{print $1}' {}")).toEqual([]);
  });
});

describe("fillArgv", () => {
  it("substitutes each element as plain text", () => {
    expect(
      fillArgv(["fly", "-t", "{target}", "-p", "x-{resource}-y", "{{literal}}"], lookup),
    ).toEqual(["fly", "-t", "prod", "-p", "x-main-y", "{literal}"]);
  });

  it("does not quote values, since no shell reads them", () => {
    expect(fillArgv(["{target}"], () => "x; rm -rf /")).toEqual(["x; rm -rf /"]);
  });

  it("throws TemplateError naming a missing value", () => {
    expect(() => fillArgv(["fly", "-t", "{target}", "{args.missing}"], lookup)).toThrow(
      new TemplateError("args.missing"),
    );
    try {
      fillArgv(["{nope}"], lookup);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).missing).toBe("nope");
      expect((error as TemplateError).message).toBe("no value for {nope}");
    }
  });
});

describe("fillShell", () => {
  it("leaves safe values bare", () => {
    expect(fillShell("fly -t {target} get-pipeline -p {resource}", lookup)).toBe(
      "fly -t prod get-pipeline -p main",
    );
  });

  it("turns escaped braces into literal ones", () => {
    expect(fillShell("jq '{{a: .b}}' {target}", lookup)).toBe("jq '{a: .b}' prod");
  });

  const attacks = [
    "x; rm -rf /",
    "$(touch /tmp/preflight-pwned)",
    "`id`",
    "a'b",
    "'; echo injected; '",
    '" ; echo injected ; "',
    "$HOME \\ \n *",
    "",
  ];

  it.each(attacks)("keeps %j one literal word unquoted in the template", (value) => {
    const filled = fillShell("{target}", () => value);
    expect(shPrintf(filled)).toBe(value);
  });

  it.each(attacks)("keeps %j literal inside the template's double quotes", (value) => {
    expect(shPrintf(fillShell('"<{target}>"', () => value))).toBe(`<${value}>`);
  });

  it.each(attacks)("keeps %j literal inside the template's single quotes", (value) => {
    expect(shPrintf(fillShell("'<{target}>'", () => value))).toBe(`<${value}>`);
  });

  it("tracks quotes across several placeholders and escaped quotes", () => {
    const filled = fillShell(`"a\\"{target}" '{resource}'\\'{env}`, () => "x y");
    expect(shPrintf(filled)).toBe("a\"x yx y'x y");
  });

  it("throws TemplateError for a missing value", () => {
    expect(() => fillShell("fly -t {target} {args.x}", lookup)).toThrow("no value for {args.x}");
  });
});

describe("shellQuote and formatArgv", () => {
  it.each<[string, string]>([
    ["", "''"],
    ["prod", "prod"],
    ["a/b.c:d,e@f%g+h=i-j_k", "a/b.c:d,e@f%g+h=i-j_k"],
    ["a b", "'a b'"],
    ["it's", "'it'\\''s'"],
    ["$X", "'$X'"],
    ["~", "'~'"],
  ])("quotes %j as %s", (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
  });

  it("formats argv for display, pasteable into sh", () => {
    const argv = ["fly", "-t", "prod", "set-pipeline", "-c", "my pipeline.yml", "it's"];
    const line = formatArgv(argv);
    expect(line).toBe("fly -t prod set-pipeline -c 'my pipeline.yml' 'it'\\''s'");
    const echoed = execFileSync("sh", ["-c", `printf '%s\\n' ${line}`], { encoding: "utf8" });
    expect(echoed).toBe(`${argv.join("\n")}\n`);
  });
});
