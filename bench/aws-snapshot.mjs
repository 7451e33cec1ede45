#!/usr/bin/env node
/**
 * How the security-group snapshot grows with the number of groups and grants, measured on a
 * real moto_server (run by hand; not part of `npm run bench`, since creating 1,000 groups on
 * moto takes a while): `npm run build && node bench/aws-snapshot.mjs [--json] [--reps N]`.
 *
 * For 10, 100 and 1,000 groups of 4 grants each, and for 100 groups of 2, 20 and 50 grants,
 * it times kind.snapshot() — the DescribeSecurityGroups calls for the named groups (200 ids per
 * filter), the calls that name source groups, and the unfolding into atomic grants — in one
 * warm process, median of --reps runs (default 5), each with fresh clients (so source names
 * are looked up every time, as in a before-snapshot). It also reports the API calls each
 * snapshot makes (counted by the SDK middleware) and the one-off cost of loading the SDK.
 *
 * Needs moto_server and aws on PATH (pip install 'moto[server]' awscli).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LIB = join(ROOT, "dist", "lib.js");
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const options = { json: false, reps: 5 };
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === "--json") options.json = true;
  else if (arg === "--reps") options.reps = Number(process.argv[++i]);
  else {
    process.stderr.write("usage: node bench/aws-snapshot.mjs [--json] [--reps N]\n");
    process.exit(64);
  }
}
if (!existsSync(LIB)) {
  process.stderr.write("dist/lib.js is missing: run `npm run build` first\n");
  process.exit(1);
}
const log = (text) => process.stderr.write(`${text}\n`);

function motoServer() {
  const python = spawnSync(
    "python3",
    ["-c", "import sys,os;print(os.path.dirname(sys.executable))"],
    {
      encoding: "utf8",
    },
  ).stdout?.trim();
  if (python && existsSync(join(python, "moto_server"))) return join(python, "moto_server");
  const which = spawnSync("sh", ["-c", "command -v moto_server"], {
    encoding: "utf8",
  }).stdout?.trim();
  if (which) return which;
  log("moto_server was not found: pip install 'moto[server]'");
  process.exit(1);
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main() {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const moto = spawn(motoServer(), ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
      } catch {}
      if (i > 300) throw new Error("moto_server did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    const vars = {
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ENDPOINT_URL: endpoint,
    };

    const sdkStart = performance.now();
    const sdk = await import("@aws-sdk/client-ec2");
    const sdkMs = performance.now() - sdkStart;
    const { createAwsClients, awsSecurityGroupsKind } = await import(pathToFileURL(LIB).href);
    const admin = new sdk.EC2Client({
      region: "us-east-1",
      endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });

    let vpcs = 0;
    async function createGroups(count, grantsPerGroup) {
      const vpc = (await admin.send(new sdk.CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc
        .VpcId;
      vpcs++;
      const source = (
        await admin.send(
          new sdk.CreateSecurityGroupCommand({ GroupName: "source", Description: "s", VpcId: vpc }),
        )
      ).GroupId;
      const ids = [];
      const make = async (i) => {
        const id = (
          await admin.send(
            new sdk.CreateSecurityGroupCommand({
              GroupName: `g${i}`,
              Description: "bench",
              VpcId: vpc,
            }),
          )
        ).GroupId;
        // One permission with every CIDR (so DescribeSecurityGroups folds them, as in the incident) and one group source.
        const cidrs = Array.from({ length: grantsPerGroup - 1 }, (_, k) => ({
          CidrIp: `10.${k % 250}.${Math.floor(k / 250)}.0/24`,
        }));
        await admin.send(
          new sdk.AuthorizeSecurityGroupIngressCommand({
            GroupId: id,
            IpPermissions: [
              {
                IpProtocol: "tcp",
                FromPort: 5432,
                ToPort: 5432,
                IpRanges: cidrs,
                UserIdGroupPairs: [{ GroupId: source }],
              },
            ],
          }),
        );
        ids.push(id);
      };
      for (let i = 0; i < count; i += 20) {
        await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, k) => make(i + k)));
      }
      return ids;
    }

    async function measure(label, groups, grantsPerGroup) {
      // Each series on an empty moto: its filters scan every group in the region.
      await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      const t0 = performance.now();
      const ids = await createGroups(groups, grantsPerGroup);
      const setupS = (performance.now() - t0) / 1000;
      const spec = {
        kind: "aws-ec2-security-groups",
        name: "bench",
        groups: ids,
        all: false,
        key: [],
        timeoutMs: 600_000,
        readOnly: true,
        source: { file: "bench", line: 1, column: 1 },
      };
      const times = [];
      const cpu = [];
      let calls = [];
      let grants = 0;
      for (let r = 0; r < options.reps + 1; r++) {
        const seen = [];
        const context = {
          runner: {},
          lookup: () => undefined,
          env: vars,
          cwd: ROOT,
          argv: ["./bench.sh"],
          aws: createAwsClients({ onCall: (op) => seen.push(op) }),
        };
        const start = performance.now();
        const used = process.cpuUsage();
        const entries = await awsSecurityGroupsKind.snapshot(spec, context);
        const elapsed = performance.now() - start;
        const { user, system } = process.cpuUsage(used);
        // The first run warms the JIT and the connection.
        if (r > 0) {
          times.push(elapsed);
          cpu.push((user + system) / 1000);
        }
        grants = entries.length;
        calls = seen;
      }
      const result = {
        label,
        groups,
        grantsPerGroup,
        grants,
        calls: calls.length,
        medianMs: median(times),
        preflightCpuMs: median(cpu),
        setupS,
      };
      log(
        `${label.padEnd(26)} ${String(grants).padStart(6)} grants ${String(calls.length).padStart(3)} calls ${result.medianMs.toFixed(1).padStart(9)} ms wall ${result.preflightCpuMs.toFixed(1).padStart(8)} ms preflight CPU  (setup ${setupS.toFixed(1)} s)`,
      );
      return result;
    }

    log(
      `node ${process.version}; loading @aws-sdk/client-ec2 took ${sdkMs.toFixed(0)} ms (once per guarded run)`,
    );
    const results = [];
    for (const groups of [10, 100, 1000])
      results.push(await measure(`${groups} groups x 4 grants`, groups, 4));
    for (const per of [2, 20, 50])
      results.push(await measure(`100 groups x ${per} grants`, 100, per));
    admin.destroy();
    if (options.json)
      process.stdout.write(
        `${JSON.stringify({ node: process.version, sdkLoadMs: sdkMs, vpcs, results }, null, 2)}\n`,
      );
  } finally {
    moto.kill("SIGTERM");
  }
}

main().catch((error) => {
  log(`bench failed: ${error?.stack ?? error}`);
  process.exit(1);
});
