/** infra/route-keys.ts: the routes and the selection expression both stacks use. */
import {
  MESSAGE_ROUTE_KEYS,
  ROUTE_KEYS,
  ROUTE_RESPONSE_KEY,
  ROUTE_SELECTION_EXPRESSION,
  routeSelectionField,
  TWO_WAY_ROUTE_KEYS,
} from "../../../infra/route-keys";
import { selectRoute } from "../../../local/apigateway/lambda-events";

describe("WebSocket routing", () => {
  it("routes messages on body.action to ask, everything else to $default", () => {
    expect(ROUTE_SELECTION_EXPRESSION).toBe("$request.body.action");
    expect(ROUTE_KEYS).toEqual(["$connect", "$disconnect", "ask", "$default"]);
    expect(MESSAGE_ROUTE_KEYS).toEqual(["ask"]);
  });

  it("makes every route that carries a client frame two-way (its reply is the route response), and only those", () => {
    expect([...TWO_WAY_ROUTE_KEYS].sort()).toEqual(ROUTE_KEYS.filter((key) => key !== "$connect" && key !== "$disconnect").sort());
    expect(ROUTE_RESPONSE_KEY).toBe("$default");
  });

  it("reads the field of a body selection expression, and nothing else", () => {
    expect(routeSelectionField("$request.body.action")).toBe("action");
    expect(routeSelectionField("$request.body.type")).toBe("type");
    expect(routeSelectionField("$request.header.action")).toBeUndefined();
    expect(routeSelectionField("$request.body.a.b")).toBeUndefined();
  });

  it("is what the local API Gateway selects with", () => {
    expect(selectRoute('{"action":"ask"}', MESSAGE_ROUTE_KEYS)).toBe("ask");
    expect(selectRoute('{"type":"ask"}', MESSAGE_ROUTE_KEYS, "$request.body.type")).toBe("ask");
    expect(selectRoute('{"action":"ask"}', MESSAGE_ROUTE_KEYS, "$request.body.type")).toBe("$default");
    expect(selectRoute('{"action":"ask"}', MESSAGE_ROUTE_KEYS, "$request.header.x")).toBe("$default");
  });
});
