/**
 * The emulator's clock: wall time plus an offset, so time keeps moving (LROs finish, tokens age) while tests
 * can jump ahead to make tokens and keys expire without waiting.
 */
export class Clock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  set(ms: number): void {
    this.offsetMs = ms - Date.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }

  describe(): { now: string; nowSeconds: number; offsetSeconds: number } {
    return {
      now: this.now().toISOString(),
      nowSeconds: this.nowSeconds(),
      offsetSeconds: Math.round(this.offsetMs / 1000),
    };
  }
}
