/**
 * The ports `npm run bench:console` serves on: the large and the small database's app side by side, the emulator
 * (and its proxy, the emulator's port + 100). `--port` names the first; without it TEST_PORT_OFFSET moves them all,
 * as it moves the test suites' ports, so a bench runs beside another engineer's suite or bench.
 */
export function benchConsolePorts(
  port: string | undefined,
  env: Record<string, string | undefined> = process.env,
): { big: number; small: number; emulator: number } {
  const first = port === undefined ? 3400 + Number(env.TEST_PORT_OFFSET ?? 0) : Number(port);
  if (!Number.isInteger(first) || first < 1 || first > 65535 - 6150)
    throw new Error(`--port must be a port number up to ${65535 - 6150}; got ${port}`);
  return { big: first, small: first + 1, emulator: first + 6050 };
}
