/**
 * A small API and the client that uses it, for the credential-rotation replay (Spreedly 2017).
 * `/api/whoami` accepts only the tokens the API currently knows; `/health` is the client's
 * health check: it reads the client's token file and asks the API with it, answering 200
 * only when the API accepts that token on the client's path. The two can disagree, as a
 * token of the wrong scope would make them.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TokenService {
  url: string;
  /** Tokens `/api/whoami` accepts. */
  accepted: Set<string>;
  /** Tokens the client's own calls succeed with (default: the same as `accepted`). */
  clientAccepted?: Set<string>;
  close(): Promise<void>;
}

/** Starts the service on a free 127.0.0.1 port; the client's token is read from `tokenFile`. */
export async function startTokenService(
  tokenFile: string,
  accepted: string[],
): Promise<TokenService> {
  const service: Partial<TokenService> & { accepted: Set<string> } = {
    accepted: new Set(accepted),
  };
  const server: Server = createServer((request, response) => {
    const answer = (status: number, body: string) => {
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(body);
    };
    if (request.url === "/api/whoami") {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      return token && service.accepted.has(token)
        ? answer(200, "client-a")
        : answer(401, "bad token");
    }
    if (request.url === "/health") {
      let token = "";
      try {
        token = readFileSync(tokenFile, "utf8");
      } catch {
        return answer(503, "no token file");
      }
      const allowed = service.clientAccepted ?? service.accepted;
      return allowed.has(token) ? answer(200, "ok") : answer(503, "the API refuses our token");
    }
    return answer(404, "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  service.url = `http://127.0.0.1:${port}`;
  service.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return service as TokenService;
}
