import net from "node:net";
import os from "node:os";
import { expect, test } from "./fixtures";
import { stackInfo } from "./helpers";

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 5_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

// The e2e stack is started as `npm run demo` starts its parts (scripts/lib/stack.ts), with DEMO_LISTEN_HOST unset.
test("[demo] the app, the local Azure and the mail sink listen on this machine only", async () => {
  const info = stackInfo();
  const ports = {
    app: Number(new URL(info.appUrl).port),
    emulator: Number(new URL(info.emulatorUrl).port),
    "mail sink": Number(new URL(info.mailSinkUrl!).port),
  };
  // This machine's addresses on its networks: what another machine would connect to.
  const outward = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === "IPv4")
    .map((a) => a!.address);
  expect(outward, "a network address to try the ports from outside").not.toEqual([]);
  for (const [name, port] of Object.entries(ports)) {
    expect(await accepts("127.0.0.1", port), `${name} on 127.0.0.1:${port}`).toBe(true);
    for (const address of outward)
      expect(await accepts(address, port), `${name} on ${address}:${port}`).toBe(false);
  }
});
