import { describe, expect, it } from "vitest";
import { benchConsolePorts } from "../../scripts/lib/bench-console-ports";

describe("[bench] console benchmark ports", () => {
  it("follow TEST_PORT_OFFSET like the test suites' ports, so two engineers' benches do not collide", () => {
    expect(benchConsolePorts(undefined, {})).toEqual({ big: 3400, small: 3401, emulator: 9450 });
    expect(benchConsolePorts(undefined, { TEST_PORT_OFFSET: "40" })).toEqual({
      big: 3440,
      small: 3441,
      emulator: 9490,
    });
  });

  it("take --port as given, and refuse one that is not a port", () => {
    expect(benchConsolePorts("5000", { TEST_PORT_OFFSET: "40" })).toEqual({
      big: 5000,
      small: 5001,
      emulator: 11050,
    });
    expect(() => benchConsolePorts("http", {})).toThrow(/--port must be a port number/);
    expect(() => benchConsolePorts("65000", {})).toThrow(/--port must be a port number/);
  });
});
