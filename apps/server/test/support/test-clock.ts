/**
 * A clock that a test moves forward instead of sleeping: the real time plus an offset. Given to
 * a test server (`startTestServer({ start: { clock: clock.now } })`), it drives token times, key
 * retirement and secret grace periods.
 */
export class TestClock {
  #offsetMs = 0;

  readonly now = (): number => Date.now() + this.#offsetMs;

  /** Moves the clock forward (never back). */
  advance(ms: number): void {
    if (ms < 0) throw new Error('a test clock only moves forward');
    this.#offsetMs += ms;
  }

  /** Moves the clock to `time` (ms since the epoch), if that is ahead. */
  advanceTo(time: number): void {
    this.advance(Math.max(0, time - this.now()));
  }
}
