// The emulated customer lives in scripts/lib (the benchmark and the demo use it too).
export * from "../../scripts/lib/emulated-customer";
