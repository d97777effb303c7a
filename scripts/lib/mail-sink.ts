import http from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * A local mail sink for the demo and the end-to-end tests: an SMTP server on loopback that accepts every
 * message (nothing is relayed anywhere) and a small page that lists what was "sent", newest first, so a
 * person can see the notifications Crosskey would have emailed. Keeps the last 200 messages in memory.
 */
export interface CapturedMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export async function startMailSink(options: { smtpPort: number; httpPort: number; host?: string }) {
  const host = options.host ?? "127.0.0.1";
  const messages: CapturedMail[] = [];
  let next = 1;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    banner: "Crosskey local mail sink: nothing leaves this machine",
    size: 1_000_000,
    onData(stream, session, done) {
      simpleParser(stream).then(
        (mail) => {
          messages.unshift({
            id: next++,
            receivedAt: new Date().toISOString(),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
          });
          messages.splice(200);
          done();
        },
        (error: Error) => done(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(options.smtpPort, host, () => resolve());
  });
  const page = http.createServer((req, res) => {
    if (req.url === "/messages.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(messages));
      return;
    }
    res
      .writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      })
      .end(render(messages));
  });
  await new Promise<void>((resolve, reject) => {
    page.once("error", reject);
    page.listen(options.httpPort, host, () => resolve());
  });
  return {
    smtpUrl: `smtp://127.0.0.1:${options.smtpPort}`,
    pageUrl: `http://localhost:${options.httpPort}`,
    messages,
    async close() {
      await new Promise<void>((r) => smtp.close(() => r()));
      await new Promise<void>((r) => page.close(() => r()));
    },
  };
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function render(messages: CapturedMail[]): string {
  const items = messages
    .map(
      (m) => `<article><h2>${escape(m.subject)}</h2>
<p class="meta">To ${escape(m.to.join(", "))} · from ${escape(m.from)} · ${escape(m.receivedAt.replace("T", " ").slice(0, 19))} UTC</p>
<pre>${escape(m.text)}</pre></article>`,
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Crosskey mail sink (${messages.length})</title>
<style>body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;color:#0f172a}
article{border:1px solid #cbd5e1;border-radius:.5rem;padding:1rem;margin:1rem 0}h2{font-size:1rem;margin:0}
.meta{color:#475569;font-size:.8rem}pre{white-space:pre-wrap;font-size:.85rem}</style></head>
<body><main><h1>Local mail sink</h1><p>Every email Crosskey sends in this demo lands here; nothing leaves the machine. This page refreshes every 5 seconds.</p>
${items || "<p>No messages yet.</p>"}</main></body></html>`;
}
