/** A workstation clock the test can move forward (the idle lock reads it). */
export function manualClock() {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  return {
    now,
    advance(ms: number) {
      offsetMs += ms;
    },
  };
}
export type ManualClock = ReturnType<typeof manualClock>;
