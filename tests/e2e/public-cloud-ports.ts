/** The public-cloud project's stack (tests/e2e/public-cloud.spec.ts): app, emulator and its proxy, per TEST_PORT_OFFSET. */
const offset = Number(process.env.TEST_PORT_OFFSET ?? 0);
export const PUBLIC_CLOUD_PORTS = { app: 3300 + offset, emulator: 8644 + offset, proxy: 8844 + offset };
