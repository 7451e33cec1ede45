// A server that behaves like Vault with TLS: it reads its certificate and key when it starts
// and again only on SIGHUP, and answers /v1/sys/health. Started by tests as its own process
// (so a fake `systemctl reload vault` can signal it); prints {"port":N} once listening.
//   node vault-like-server.mjs CERT_FILE KEY_FILE [PORT]     (default: any free port)
import { readFileSync } from "node:fs";
import { createServer } from "node:https";

const [certFile, keyFile, port = "0"] = process.argv.slice(2);
const load = () => ({ cert: readFileSync(certFile), key: readFileSync(keyFile) });

const server = createServer(load(), (req, res) => {
  if (req.url === "/v1/sys/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ initialized: true, sealed: false, standby: false }));
  } else {
    res.writeHead(404);
    res.end();
  }
});
process.on("SIGHUP", () => server.setSecureContext(load()));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
server.listen(Number(port), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
