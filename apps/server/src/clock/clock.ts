/**
 * Milliseconds since the epoch. Token lifetimes, key retirement and secret grace periods read the
 * time through one, so that tests can move time forward instead of sleeping.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
