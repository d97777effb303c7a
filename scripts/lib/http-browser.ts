import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * A browser without a browser, for load and scale-out runs: one cookie jar, plain HTTP through the app's real
 * pages, route handlers and server actions. A server action is called as Next's client calls it: POST to a
 * page that uses it, header `Next-Action: <id>`, arguments encoded by React's own `encodeReply`; the id comes
 * from the build's `.next/server/server-reference-manifest.json`.
 */
export class HttpBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    /** The loopback address requests leave from (127.x.y.z), so a proxy sees one client address per browser. */
    readonly localAddress?: string,
  ) {}

  async get(pathOrUrl: string): Promise<HttpAnswer> {
    return this.request("GET", pathOrUrl, {});
  }

  /** Any request with this browser's cookies; `headers` may override what a browser would send (e.g. Origin). */
  async send(method: string, pathOrUrl: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.request(method, pathOrUrl, headers);
  }

  /** Calls a server action; `value` is what the action returned, `redirect` where it sent the browser. */
  async action(
    pagePath: string,
    actionId: string,
    args: unknown[],
  ): Promise<{ status: number; value: unknown; redirect?: string }> {
    const encoded = await encodeReply(args);
    let body: Buffer;
    let contentType: string;
    if (typeof encoded === "string") {
      body = Buffer.from(encoded);
      contentType = "text/plain;charset=UTF-8";
    } else {
      const request = new Request("http://x/", { method: "POST", body: encoded });
      body = Buffer.from(await request.arrayBuffer());
      contentType = request.headers.get("content-type")!;
    }
    const answer = await this.request(
      "POST",
      pagePath,
      {
        "next-action": actionId,
        accept: "text/x-component",
        "content-type": contentType,
        "next-router-state-tree": encodeURIComponent(JSON.stringify(["", { children: ["__PAGE__", {}] }])),
      },
      body,
    );
    const redirectHeader = answer.headers["x-action-redirect"];
    const redirect = typeof redirectHeader === "string" ? redirectHeader.split(";")[0] : undefined;
    return { status: answer.status, value: readActionResult(answer.body), redirect };
  }

  private request(
    method: string,
    pathOrUrl: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<HttpAnswer> {
    const url = new URL(pathOrUrl, this.baseUrl);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          localAddress: this.localAddress,
          headers: {
            origin: new URL(this.baseUrl).origin,
            ...headers,
            ...(cookie && { cookie }),
            ...(body && { "content-length": String(body.length) }),
          },
          timeout: 120_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            for (const line of res.headers["set-cookie"] ?? []) {
              const [pair = "", ...attributes] = line.split(";");
              const eq = pair.indexOf("=");
              const name = pair.slice(0, eq).trim();
              const expired = attributes.some(
                (a) => /^\s*max-age=0\s*$/i.test(a) || /expires=thu, 01 jan 1970/i.test(a),
              );
              if (expired || pair.slice(eq + 1) === "") this.cookies.delete(name);
              else this.cookies.set(name, pair.slice(eq + 1));
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
      req.on("error", reject);
      req.end(body);
    });
  }
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The action's return value: row 1 of the RSC answer (`1:<json>`), unescaped as React's client does. */
function readActionResult(flight: string): unknown {
  const row = flight.split("\n").find((line) => line.startsWith("1:"));
  if (!row) return undefined;
  return JSON.parse(row.slice(2), (_key, value: unknown) =>
    typeof value === "string" && value.startsWith("$$")
      ? value.slice(1)
      : value === "$undefined"
        ? undefined
        : value,
  ) as unknown;
}

type EncodeReply = (value: unknown) => Promise<string | FormData>;
let encoder: EncodeReply | undefined;
/** React's reply encoder, from the copy Next ships, so the arguments are exactly what a browser would send. */
function encodeReply(args: unknown[]): Promise<string | FormData> {
  encoder ??= (
    createRequire(import.meta.url)("next/dist/compiled/react-server-dom-turbopack/client.node.js") as {
      encodeReply: EncodeReply;
    }
  ).encodeReply;
  return encoder(args);
}

/** Server action ids by exported name, for one actions module, from the production build. */
export function readActionIds(projectRoot: string, filename: string): Record<string, string> {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(projectRoot, ".next/server/server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { filename?: string; exportedName?: string }> };
  const ids: Record<string, string> = {};
  for (const [id, entry] of Object.entries(manifest.node))
    if (entry.filename === filename && entry.exportedName) ids[entry.exportedName] = id;
  return ids;
}
