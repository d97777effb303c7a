import { control } from "../../../scripts/lib/emulated-customer";

/** Counters the emulator keeps, so tests assert on what reached Azure rather than on how long it took. */
interface Stats {
  arm: {
    accepted: { reads: number; writes: number; deletes: number };
    throttled: { reads: number; writes: number; deletes: number };
  };
}

/** ARM writes the emulator has accepted since its last reset. */
export async function armWritesSoFar(emulatorUrl: string): Promise<number> {
  return ((await control(emulatorUrl, "stats")) as Stats).arm.accepted.writes;
}

/** Injected faults on `path` not yet used up (a counted fault is removed after its last hit). */
export async function faultsLeft(emulatorUrl: string, path: string): Promise<number> {
  const { value } = (await control(emulatorUrl, "faults")) as { value: { path?: string }[] };
  return value.filter((f) => f.path === path).length;
}
