/** The server's events: the builders produce the shapes `ServerEventSchema` (the clients' check) accepts. */
import { ServerEventSchema } from "../../../../lambdas/common/protocol";
import { accepted, chunk, citations, done, errorEvent, pong, status } from "../../../../lambdas/common/server-events";

const ANSWER_ID = "11111111-1111-4111-8111-111111111111.q-1";

describe("server events", () => {
  it("builders produce schema-valid events", () => {
    for (const event of [
      accepted(ANSWER_ID),
      status(ANSWER_ID, "looking up orders"),
      chunk(ANSWER_ID, "text"),
      citations(ANSWER_ID, ["catalogue.md"]),
      done(ANSWER_ID),
      pong(),
      errorEvent("bad_request", "nope"),
      errorEvent("throttled", "later", ANSWER_ID),
    ]) {
      expect(ServerEventSchema.parse(event)).toEqual(event);
    }
  });

  it("omits answerId from an error event that has none", () => {
    expect(errorEvent("bad_request", "x")).toEqual({ type: "error", code: "bad_request", message: "x" });
  });
});
