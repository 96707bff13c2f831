import { ANNOUNCEMENTS, countdownText, createReconnectNotice } from "../../../../web/js/reconnect-notice.js";

function nodes() {
  const node = () => ({ textContent: "", hidden: true, disabled: false });
  return { panel: node(), text: node(), retryNow: node(), announcer: node() };
}

function fakeClock() {
  let now = 0;
  let tick: (() => void) | null = null;
  return {
    now: () => now,
    timers: { setInterval: (fn: () => void) => ((tick = fn), 1), clearInterval: () => void (tick = null) },
    advance(ms: number) {
      for (let i = 0; i < ms / 250; i++) {
        now += 250;
        tick?.();
      }
    },
  };
}

describe("countdownText", () => {
  it("counts whole seconds up, then says now", () => {
    expect(countdownText(4_001)).toBe("Connection lost. Trying again in 5 s.");
    expect(countdownText(1_000)).toBe("Connection lost. Trying again in 1 s.");
    expect(countdownText(0)).toBe("Connection lost. Trying again now…");
  });
});

describe("createReconnectNotice", () => {
  it("counts down every second but announces the loss once per outage", () => {
    const n = nodes();
    const clock = fakeClock();
    const notice = createReconnectNotice({ ...(n as unknown as Parameters<typeof createReconnectNotice>[0]), timers: clock.timers, now: clock.now });
    const announced: string[] = [];
    let last = "";
    const watch = () => {
      if (n.announcer.textContent !== last) announced.push((last = n.announcer.textContent));
    };
    notice.state("reconnecting");
    watch();
    expect(n.panel.hidden).toBe(false);
    notice.waiting(3_000);
    const shown = [n.text.textContent];
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      shown.push(n.text.textContent);
    }
    expect(shown).toEqual([
      "Connection lost. Trying again in 3 s.",
      "Connection lost. Trying again in 2 s.",
      "Connection lost. Trying again in 1 s.",
      "Connection lost. Trying again now…",
    ]);
    // More attempts, more waits: still one announcement.
    notice.state("reconnecting");
    notice.waiting(5_000);
    watch();
    notice.state("connected");
    watch();
    expect(n.panel.hidden).toBe(true);
    expect(n.text.textContent).toBe("");
    expect(announced).toEqual([ANNOUNCEMENTS.lost, ANNOUNCEMENTS.back]);
  });

  it("offline: says so once, hides Retry now and stops counting", () => {
    const n = nodes();
    const clock = fakeClock();
    const notice = createReconnectNotice({ ...(n as unknown as Parameters<typeof createReconnectNotice>[0]), timers: clock.timers, now: clock.now });
    notice.state("reconnecting");
    notice.waiting(4_000);
    notice.state("offline");
    clock.advance(2_000);
    expect(n.text.textContent).toBe(ANNOUNCEMENTS.offline);
    expect(n.announcer.textContent).toBe(ANNOUNCEMENTS.offline);
    expect(n.retryNow.hidden).toBe(true);
    expect(n.panel.hidden).toBe(false);
  });
});
