import fastify, { type FastifyInstance } from "fastify";
import { createArmService } from "./arm/index.js";
import { createKeyVaultService } from "./keyvault/index.js";
import { ensureTls } from "./core/certs.js";
import { Clock } from "./core/clock.js";
import { DEFAULT_SETTINGS } from "./core/settings.js";
import type { Emulator } from "./emulator.js";
import { DirectoryStore } from "./core/directory.js";
import { Faults } from "./core/faults.js";
import { TokenService } from "./core/tokens.js";
import { readWorldFile } from "./core/world.js";
import { parseWorld, type World } from "./world.js";
import { createControlService } from "./control/index.js";
import { createEntraService } from "./entra/index.js";
import { createGraphService } from "./graph/index.js";
import { createMsiService } from "./msi/index.js";
import { createPortalService } from "./portal/index.js";
import { proxiedRequest } from "./core/origin.js";
import { ProxyLog, startProxy, type RunningProxy } from "./proxy/server.js";

export interface EmulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  dataDir: string;
  /** A world file path or an already-read world object. */
  world: string | object;
  logger?: boolean;
  /** The app's base URL, for `{app}` in the world; defaults to http://localhost:3000. */
  appBaseUrl?: string;
  /**
   * The authority named in issuers for requests that did not come through proxy mode (the managed identity
   * endpoint, tokens Azure services get internally) and for `{emulator}` in the world: e.g.
   * https://login.microsoftonline.com when clients run as in the public cloud. Defaults to the base URL.
   */
  authority?: string;
  /** Proxy mode (src/proxy): also listen as an HTTPS forward proxy on this port (0 picks a free one). */
  proxyPort?: number;
  /** Where proxy mode reports refused hosts; defaults to stderr. */
  say?: (line: string) => void;
}

export interface RunningEmulator {
  url: string;
  caFile: string;
  /** `http://localhost:{port}` when proxy mode runs: give it to clients as HTTPS_PROXY. */
  proxyUrl?: string;
  emu: Emulator;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Starts one emulator: HTTPS listener, every service, stores built from the world. */
export async function createEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const tls = await ensureTls(options.dataDir);
  const rawWorld = typeof options.world === "string" ? readWorldFile(options.world) : options.world;
  const clock = new Clock();
  const faults = new Faults();
  const emu = {
    baseUrl: "",
    appBaseUrl: (options.appBaseUrl ?? "http://localhost:3000").replace(/\/$/, ""),
    clock,
    faults,
    tokens: new TokenService(options.dataDir, clock),
    directory: new DirectoryStore(() => clock.now()),
    settings: { ...DEFAULT_SETTINGS },
    tokenCounts: new Map<string, number>(),
    proxyLog: new ProxyLog(options.say ?? ((line) => console.error(line))),
  } as Partial<Emulator> as Emulator;
  const arm = createArmService(emu);
  const keyVault = createKeyVaultService(emu);
  const entra = createEntraService(emu);
  emu.arm = arm.store;
  emu.keyVault = keyVault.store;
  emu.federation = entra.federation;
  emu.reset = async (world?: World) => {
    emu.world = world ?? emu.world;
    faults.clear();
    clock.reset();
    emu.settings = { ...DEFAULT_SETTINGS };
    entra.state.clear();
    emu.directory.reset(emu.world);
    emu.arm.reset(emu.world.arm);
    // Key material for the world's keys is generated here (async), after ARM knows the vaults.
    await emu.keyVault.reset(emu.world.arm.keys);
  };

  const app = fastify({
    https: { cert: tls.cert, key: tls.key },
    logger: options.logger ?? false,
    trustProxy: false,
  });
  // The port (and so the base URL the world refers to) is known only once listening; until the world is loaded,
  // every request gets 503, so nobody sees a half-built world (keys are still being generated).
  let loaded = false;
  app.addHook("onRequest", async (_req, reply) => {
    if (!loaded) return reply.code(503).header("retry-after", "1").send({ status: "starting" });
  });
  const services = {
    entra,
    msi: createMsiService(emu),
    graph: createGraphService(emu),
    control: createControlService(emu),
    arm,
    keyvault: keyVault,
    portal: createPortalService(emu),
  };
  for (const [name, service] of Object.entries(services)) {
    void app.register(async (scope) => {
      // Through proxy mode a host reaches only its own service: no control API or portal on
      // login.microsoftonline.com, no ARM on a vault's host.
      scope.addHook("onRequest", async (_req, reply) => {
        const proxied = proxiedRequest.getStore();
        if (proxied && proxied.service !== name) return reply.code(404).send();
      });
      service.register(scope);
    });
  }
  await app.listen({ port: options.port ?? 8443, host: options.host ?? "localhost" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  emu.baseUrl = `https://localhost:${port}`;
  emu.authority = (options.authority ?? emu.baseUrl).replace(/\/$/, "");
  try {
    await emu.reset(parseWorld(rawWorld, { emulator: emu.authority, app: emu.appBaseUrl }));
    loaded = true;
  } catch (e) {
    await app.close();
    throw e;
  }
  let proxy: RunningProxy | undefined;
  if (options.proxyPort !== undefined) {
    try {
      proxy = await startProxy({
        app,
        dataDir: options.dataDir,
        port: options.proxyPort,
        host: options.host,
        log: emu.proxyLog,
        vaultExists: (host) => emu.arm.findVaultByHost(host) !== undefined,
      });
    } catch (e) {
      await app.close();
      throw e;
    }
  }
  return {
    url: emu.baseUrl,
    caFile: tls.caFile,
    proxyUrl: proxy?.url,
    emu,
    app,
    close: async () => {
      await proxy?.close();
      await app.close();
    },
  };
}
