/** web/js/liveness.js: a ping with a deadline that only its pong meets; any frame still counts as activity for the quiet check. */
import { createLiveness, PONG_DEADLINE_MS, QUIET_MS } from "../../../../web/js/liveness.js";

/** Timers driven by hand: `advance` runs what falls due, in time order. */
function fakeTimers() {
  let nextId = 1;
  let now = 0;
  const pending = new Map<number, { fn: () => void; at: number; every?: number }>();
  const add = (fn: () => void, ms: number, every?: number) => {
    const id = nextId++;
    pending.set(id, { fn, at: now + ms, every });
    return id;
  };
  return {
    now: () => now,
    timers: {
      setTimeout: (fn: () => void, ms: number) => add(fn, ms),
      setInterval: (fn: () => void, ms: number) => add(fn, ms, ms),
      clearTimeout: (id: unknown) => void pending.delete(id as number),
      clearInterval: (id: unknown) => void pending.delete(id as number),
    },
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        const [id, timer] = due;
        now = timer.at;
        if (timer.every) timer.at += timer.every;
        else pending.delete(id);
        timer.fn();
      }
      now = until;
    },
  };
}

function setup(awaiting = false) {
  const clock = fakeTimers();
  const pings: number[] = [];
  const onDead = jest.fn();
  const liveness = createLiveness({
    sendPing: () => {
      pings.push(clock.now());
      return true;
    },
    onDead,
    timers: clock.timers,
    now: clock.now,
    awaitingReply: () => awaiting,
  });
  liveness.start();
  return { clock, pings, onDead, liveness };
}

describe("createLiveness", () => {
  it("declares the socket dead when the pong does not come within the deadline", () => {
    const { clock, onDead, liveness } = setup();
    liveness.check();
    clock.advance(PONG_DEADLINE_MS - 1);
    expect(onDead).not.toHaveBeenCalled();
    clock.advance(1);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it("the pong meets the deadline", () => {
    const { clock, onDead, liveness } = setup();
    liveness.check();
    clock.advance(PONG_DEADLINE_MS - 1);
    liveness.heard(true);
    clock.advance(PONG_DEADLINE_MS * 2);
    expect(onDead).not.toHaveBeenCalled();
  });

  it("a late reply to an earlier frame, or an answer's event, does not answer the ping", () => {
    const { clock, onDead, liveness } = setup();
    liveness.check();
    for (let i = 0; i < 5; i++) {
      clock.advance(PONG_DEADLINE_MS / 10);
      liveness.heard(false);
    }
    clock.advance(PONG_DEADLINE_MS);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it("any frame still counts as activity: an answer whose events arrive is not pinged as quiet", () => {
    const { clock, pings, liveness } = setup(true);
    for (let i = 0; i < 8; i++) {
      clock.advance(QUIET_MS / 2);
      liveness.heard(false);
    }
    expect(pings).toEqual([]);
    clock.advance(QUIET_MS + QUIET_MS / 4);
    expect(pings).toHaveLength(1);
  });

  it("one ping out at a time", () => {
    const { pings, liveness } = setup();
    liveness.check();
    liveness.check();
    expect(pings).toHaveLength(1);
  });
});
