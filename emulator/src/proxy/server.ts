import http from "node:http";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import type { FastifyInstance } from "fastify";
import { ensureProxyCertificate } from "../core/certs.js";
import { proxiedRequest } from "../core/origin.js";
import { proxyCertificateNames, routeHost, type ProxiedHost } from "./hosts.js";

/** What the proxy did, for the control API (`GET /_emulator/proxy`) and tests. */
export class ProxyLog {
  /** Tunnels opened per host. */
  readonly accepted = new Map<string, number>();
  /** Every refused request: the host (and port) asked for, and when. */
  readonly refused: { target: string; at: string; reason: string }[] = [];

  constructor(private readonly say: (line: string) => void) {}

  accept(host: string): void {
    this.accepted.set(host, (this.accepted.get(host) ?? 0) + 1);
  }

  refuse(target: string, reason: string): void {
    if (this.refused.length < 1000) this.refused.push({ target, at: new Date().toISOString(), reason });
    this.say(`proxy refused ${target}: ${reason}`);
  }

  clear(): void {
    this.accepted.clear();
    this.refused.length = 0;
  }

  describe() {
    return { accepted: Object.fromEntries(this.accepted), refused: [...this.refused] };
  }
}

export interface RunningProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * Proxy mode: an HTTP forward proxy that accepts `CONNECT host:443` only for Azure's real host names
 * (hosts.ts), terminates TLS there with a certificate from the emulator's CA and hands the decrypted requests
 * to the emulator's router under the emulated service's path. Every other host, port or plain-HTTP request is
 * refused with 403 and logged; a vault host the world does not know gets 502 with `Proxy-Status: …; error=dns_error`.
 * Clients need only a proxy setting (HTTPS_PROXY, Playwright's `proxy`) and the CA.
 */
export async function startProxy(options: {
  app: FastifyInstance;
  dataDir: string;
  port: number;
  host?: string;
  log: ProxyLog;
  /**
   * Whether a vault or managed HSM host exists in the emulated world. In Azure the name of one that does not exist
   * does not resolve, so the proxy answers as a forward proxy whose DNS lookup failed (RFC 9209 `dns_error`).
   */
  vaultExists: (host: string) => boolean;
}): Promise<RunningProxy> {
  const { app, log } = options;
  const { cert, key } = await ensureProxyCertificate(options.dataDir, proxyCertificateNames());
  const secureContext = tls.createSecureContext({ cert, key });
  const routes = new WeakMap<object, ProxiedHost>();

  // Decrypted requests: rewrite the target to the emulator's internal path, then the emulator's own router.
  const inner = http.createServer((req, res) => {
    const route = routes.get(req.socket);
    if (!route) {
      res.writeHead(421).end();
      return;
    }
    req.url = route.internalPath(req.url ?? "/");
    proxiedRequest.run(route, () => app.routing(req, res));
  });

  const sockets = new Set<Duplex>();
  const outer = http.createServer((req, res) => {
    log.refuse(req.url ?? "", "plain HTTP is not proxied; only CONNECT to Azure's HTTPS hosts");
    res.writeHead(403, { "content-type": "text/plain" }).end("Only HTTPS (CONNECT) to Azure hosts.\n");
  });
  outer.on("connect", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const target = req.url ?? "";
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    const route = match && match[2] === "443" ? routeHost(match[1]!) : undefined;
    if (!route) {
      log.refuse(
        target,
        match ? "not an Azure host that proxy mode answers for" : "malformed CONNECT target",
      );
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    if (route.service === "keyvault" && !options.vaultExists(route.host)) {
      log.refuse(target, "NXDOMAIN: no vault or managed HSM with this host in the world");
      socket.end(
        'HTTP/1.1 502 Bad Gateway\r\nproxy-status: crosskey-emulator; error=dns_error; rcode="NXDOMAIN"\r\ncontent-length: 0\r\n\r\n',
      );
      return;
    }
    log.accept(route.host);
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length) socket.unshift(head);
    // Created inside the route's context, so every callback of this connection (body chunks included) sees it.
    proxiedRequest.run(route, () => {
      const secure = new tls.TLSSocket(socket, {
        isServer: true,
        secureContext,
        ALPNProtocols: ["http/1.1"],
      });
      secure.on("error", () => secure.destroy());
      routes.set(secure, route);
      inner.emit("connection", secure);
    });
  });

  await new Promise<void>((resolve, reject) => {
    outer.once("error", reject);
    outer.listen(options.port, options.host ?? "localhost", () => resolve());
  });
  const address = outer.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    url: `http://localhost:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      inner.closeAllConnections();
      await new Promise<void>((resolve) => outer.close(() => resolve()));
    },
  };
}
