/**
 * A real moto_server (the AWS API emulator) on 127.0.0.1 for end-to-end tests: started on a
 * free port, stopped after. `env` is what a preflight run (and the aws CLI it wraps) needs to
 * talk to it with dummy credentials, and temporary AWS config files so that a developer's own
 * ~/.aws is never read. `ec2` is an SDK client for setting up groups and checking them after.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type IpPermission,
} from "@aws-sdk/client-ec2";

export const MOTO_ACCOUNT = "123456789012";

// The test's own SDK client would warn that the SDK's 2027 releases need Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface Moto {
  endpoint: string;
  /** Variables for a run against this server (credentials, region, endpoint, config files). */
  env: Record<string, string>;
  /** The folders holding `aws` and `moto_server`, to put first on a run's PATH. */
  toolPath: string;
  ec2: EC2Client;
  /** The API actions moto received since the last call (needs `record: true`), e.g. ["DescribeSecurityGroups"]. */
  takeActions(): string[];
  stop(): Promise<void>;
}

/**
 * The folder a tool really lives in. A pyenv shim on PATH would re-resolve the Python version
 * on every call (and from the test's temporary HOME), so the interpreter's own bin folder is
 * preferred when it holds the tool.
 */
export function toolDir(tool: "aws" | "moto_server"): string {
  const python = spawnSync(
    "python3",
    ["-c", "import sys,os;print(os.path.dirname(sys.executable))"],
    {
      encoding: "utf8",
    },
  );
  const which = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  const candidates = [
    python.stdout?.trim(),
    which.stdout?.trim() ? dirname(which.stdout.trim()) : "",
  ];
  const found = candidates.find((dir) => dir && existsSync(join(dir, tool)));
  if (found) return found;
  throw new Error(
    `${tool} was not found: install it with pip install 'moto[server]' awscli (.ci/run does)`,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** Starts moto_server and waits until it answers. */
export async function startMoto(options: { record?: boolean } = {}): Promise<Moto> {
  const motoDir = toolDir("moto_server");
  const toolPath = [...new Set([toolDir("aws"), motoDir])].join(":");
  const folder = mkdtempSync(join(tmpdir(), "preflight-moto-"));
  const recording = join(folder, "recording.jsonl");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    join(motoDir, "moto_server"),
    ["-H", "127.0.0.1", "-p", String(port)],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        ...process.env,
        ...(options.record && { MOTO_ENABLE_RECORDING: "true", MOTO_RECORDER_FILEPATH: recording }),
      },
    },
  );
  let log = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    log = (log + chunk).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const answer = await fetch(`${endpoint}/moto-api/data.json`);
      if (answer.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not start on port ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const configFile = join(folder, "aws-config");
  const credentialsFile = join(folder, "aws-credentials");
  writeFileSync(configFile, "[default]\nregion = us-east-1\n");
  writeFileSync(
    credentialsFile,
    "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
  );
  const env = {
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
  };
  const ec2 = new EC2Client({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  let seen = 0;
  return {
    endpoint,
    env,
    toolPath,
    ec2,
    takeActions() {
      if (!existsSync(recording)) return [];
      const lines = readFileSync(recording, "utf8").split("\n").filter(Boolean);
      const fresh = lines.slice(seen);
      seen = lines.length;
      return fresh.map((line) => {
        const request = JSON.parse(line) as {
          body?: string;
          body_encoded?: boolean;
          headers?: Record<string, string>;
        };
        const body = request.body_encoded
          ? Buffer.from(request.body ?? "", "base64").toString("utf8")
          : (request.body ?? "");
        return new URLSearchParams(body).get("Action") ?? request.headers?.["X-Amz-Target"] ?? "?";
      });
    },
    async stop() {
      ec2.destroy();
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export interface IncidentGroups {
  vpc: string;
  db: string;
  scanner: string;
  peers: string;
}

/**
 * Chargify's security groups before the clean-up script: `db` allows ICMP from the scanner
 * and from the database peers — one IpPermission with two sources — and Postgres from the
 * app subnet. Each call makes its own VPC, so tests do not see each other's groups.
 */
export async function createIncidentGroups(ec2: EC2Client): Promise<IncidentGroups> {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc!.VpcId!;
  const group = async (name: string) =>
    (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpc }),
      )
    ).GroupId!;
  const db = await group("db");
  const scanner = await group("scanner");
  const peers = await group("db-peers");
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: db,
      IpPermissions: [
        {
          IpProtocol: "icmp",
          FromPort: -1,
          ToPort: -1,
          UserIdGroupPairs: [
            { GroupId: scanner },
            { GroupId: peers, Description: "db peers ping" },
          ],
        },
        {
          IpProtocol: "tcp",
          FromPort: 5432,
          ToPort: 5432,
          IpRanges: [{ CidrIp: "10.20.1.0/24", Description: "app subnet" }],
        },
      ],
    }),
  );
  return { vpc, db, scanner, peers };
}

/** The ids of the groups `groupId` allows ICMP from, sorted. */
export async function icmpSources(ec2: EC2Client, groupId: string): Promise<string[]> {
  return (await ingress(ec2, groupId))
    .filter((p) => p.IpProtocol === "icmp")
    .flatMap((p) => (p.UserIdGroupPairs ?? []).map((pair) => pair.GroupId!))
    .sort();
}

export async function ingress(ec2: EC2Client, groupId: string): Promise<IpPermission[]> {
  const answer = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return answer.SecurityGroups?.[0]?.IpPermissions ?? [];
}
