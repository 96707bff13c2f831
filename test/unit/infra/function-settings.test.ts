/** infra/function-settings.ts: one timeout, memory size and handler per function. */
import { FUNCTION_SETTINGS, handlerExport } from "../../../infra/function-settings";
import { FUNCTION_NAMES } from "../../../infra/naming";

describe("FUNCTION_SETTINGS", () => {
  it.each(FUNCTION_NAMES)("%s runs index.mjs's handler within Lambda's limits", (fn) => {
    const s = FUNCTION_SETTINGS[fn];
    // The bundle is dist/lambdas/<fn>/index.mjs (infra/bundles.ts).
    expect(s.handler).toBe("index.handler");
    expect(s.timeoutSeconds).toBeGreaterThanOrEqual(1);
    expect(s.timeoutSeconds).toBeLessThanOrEqual(900);
    expect(s.memoryMb).toBeGreaterThanOrEqual(128);
    expect(s.memoryMb).toBeLessThanOrEqual(10240);
  });

  it("keeps the authorizer inside API Gateway's 29 s integration timeout and gives the answer step room", () => {
    expect(FUNCTION_SETTINGS.authorizer.timeoutSeconds).toBeLessThan(29);
    expect(FUNCTION_SETTINGS.chat.timeoutSeconds).toBeGreaterThan(29);
  });
});

describe("handlerExport", () => {
  it("is the part after the last dot", () => {
    expect(handlerExport("index.handler")).toBe("handler");
    expect(handlerExport("lib/app.main")).toBe("main");
  });
});
