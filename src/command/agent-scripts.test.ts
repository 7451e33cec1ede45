/**
 * What coding agents write in one shell tool call: here-documents, multi-line scripts, and
 * Python/Node one-liners that start processes. Each command inside is found, or the whole is
 * reported unreadable.
 */
import { describe, expect, it } from "vitest";
import { normaliseCommand } from "./normalise.js";

const argvs = (script: string) => {
  const result = normaliseCommand(["bash", "-c", script]);
  return { argvs: result.commands.map((c) => c.argv), unparsable: result.unparsable?.reason };
};

describe("here-documents", () => {
  it("unpacks bash <<'EOF' … EOF as the script it is", () => {
    const result = argvs("bash <<'EOF'\necho start\nkubectl delete namespace prod\nEOF\n");
    expect(result.unparsable).toBeUndefined();
    expect(result.argvs).toEqual([
      ["echo", "start"],
      ["kubectl", "delete", "namespace", "prod"],
    ]);
  });

  it("unpacks <<-EOF with leading tabs, and sudo sh -s", () => {
    expect(argvs("sudo sh -s <<-END\n\tdropdb orders\n\tEND").argvs).toEqual([
      ["dropdb", "orders"],
    ]);
  });

  it("reads the commands after the here-document on the following lines", () => {
    expect(argvs("cat <<EOF > notes.txt\nterraform destroy\nEOF\nterraform plan").argvs).toEqual([
      ["cat"],
      ["terraform", "plan"],
    ]);
  });

  it("treats a here-string given to a shell as its script", () => {
    expect(argvs("bash <<< 'terraform destroy -auto-approve'").argvs).toEqual([
      ["terraform", "destroy", "-auto-approve"],
    ]);
  });

  it("refuses an unquoted here-document whose body runs command substitutions", () => {
    expect(argvs("bash <<EOF\nkubectl delete ns $(cat ns)\nEOF").unparsable).toContain(
      "command substitutions",
    );
  });

  it("refuses a here-document that is never closed", () => {
    expect(argvs("bash <<EOF\nkubectl delete ns prod\n").unparsable).toContain("not closed");
  });

  it("refuses a shell reading its commands from a pipe", () => {
    expect(argvs("echo 'dropdb orders' | sh").unparsable).toContain("from a pipe");
  });
});

describe("multi-line scripts", () => {
  it("evaluates every line", () => {
    expect(argvs("cd infra\nterraform init\nterraform destroy -auto-approve").argvs).toEqual([
      ["cd", "infra"],
      ["terraform", "init"],
      ["terraform", "destroy", "-auto-approve"],
    ]);
  });
});

describe("python -c and node -e", () => {
  it.each<[string, string[][]]>([
    [
      `python3 -c "import subprocess; subprocess.run(['kubectl', 'delete', 'namespace', 'prod'])"`,
      [["kubectl", "delete", "namespace", "prod"]],
    ],
    [
      `python -c "import os; os.system('terraform destroy -auto-approve')"`,
      [["terraform", "destroy", "-auto-approve"]],
    ],
    [
      `python3 -c 'import subprocess; subprocess.check_call("dropdb orders && echo done", shell=True)'`,
      [
        ["dropdb", "orders"],
        ["echo", "done"],
      ],
    ],
    [
      `node -e "require('child_process').execSync('kubectl delete ns prod', {stdio: 'inherit'})"`,
      [["kubectl", "delete", "ns", "prod"]],
    ],
    [
      `node -e "const cp = require('node:child_process'); cp.spawnSync('terraform', ['destroy', '-auto-approve'])"`,
      [["terraform", "destroy", "-auto-approve"]],
    ],
  ])("%s", (script, expected) => {
    const result = argvs(script);
    expect(result.unparsable).toBeUndefined();
    // The interpreter itself is a command too, last (rules may guard python itself).
    expect(result.argvs.slice(0, -1)).toEqual(expected);
    expect(result.argvs.at(-1)?.[0]).toMatch(/^(python3?|node)$/);
  });

  it("reads python code given on a here-document", () => {
    const result = argvs("python3 <<'PY'\nimport os\nos.system('dropdb orders')\nPY");
    expect(result.argvs[0]).toEqual(["dropdb", "orders"]);
  });

  it("leaves code that starts nothing alone", () => {
    expect(argvs(`python3 -c "print(1 + 1)"`)).toEqual({
      argvs: [["python3", "-c", "print(1 + 1)"]],
      unparsable: undefined,
    });
  });

  it.each<[string, string]>([
    [`python3 -c "import subprocess; subprocess.run(cmd)"`, "not a plain string"],
    [`python3 -c "import subprocess as s; s.run(['dropdb', 'x'])"`, "another name"],
    [`python3 -c "from os import system; system('dropdb x')"`, "another name"],
    [`python3 -c "exec('import os')"`, "another name"],
    [`python3 -c "import os; os.system(f'dropdb {db}')"`, "not a plain string"],
    [`node -e "require('child_process').execSync(process.argv[1])"`, "not a plain string"],
    [`node -e "const {execSync: run} = require('child_process'); run('dropdb x')"`, "another name"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${} is Node code, not ours
    ["node -e 'require(\"child_process\").execSync(`dropdb ${db}`)'", "not a plain string"],
    [`python3 -c "$CODE"`, "only known at run time"],
  ])("refuses %s", (script, reason) => {
    expect(argvs(script).unparsable).toContain(reason);
  });
});
