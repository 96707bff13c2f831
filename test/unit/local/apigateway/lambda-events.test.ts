import {
  buildDisconnectEvent,
  evaluateAuthorizerResult,
  formatRequestTime,
  headerMaps,
  queryMaps,
  selectRoute,
} from "../../../../local/apigateway/lambda-events";

const ARN = "arn:aws:execute-api:us-east-1:000000000000:local/dev/$connect";
const policy = (Effect: string, Resource: string | string[], Action: string | string[] = "execute-api:Invoke") => ({
  Version: "2012-10-17",
  Statement: [{ Action, Effect, Resource }],
});

describe("evaluateAuthorizerResult", () => {
  it("allows a matching Allow and stringifies the context like API Gateway", () => {
    const d = evaluateAuthorizerResult(
      { principalId: "sub-1", policyDocument: policy("Allow", ARN), context: { tenantId: "t1", exp: 5, admin: false, gone: null } },
      ARN,
    );
    expect(d).toEqual({ outcome: "allow", principalId: "sub-1", context: { tenantId: "t1", exp: "5", admin: "false", gone: null, principalId: "sub-1" } });
  });

  it("accepts wildcards in Action and Resource", () => {
    const d = evaluateAuthorizerResult({ principalId: "p", policyDocument: policy("Allow", "arn:aws:execute-api:us-east-1:000000000000:local/*", "execute-api:*") }, ARN);
    expect(d.outcome).toBe("allow");
  });

  it("denies an explicit Deny even next to an Allow, and a policy for another resource", () => {
    const both = { Version: "2012-10-17", Statement: [...policy("Allow", "*").Statement, ...policy("Deny", ARN).Statement] };
    expect(evaluateAuthorizerResult({ principalId: "p", policyDocument: both }, ARN)).toEqual({ outcome: "deny" });
    expect(evaluateAuthorizerResult({ principalId: "p", policyDocument: policy("Allow", ARN.replace("dev", "prod")) }, ARN)).toEqual({ outcome: "deny" });
  });

  it("maps an Unauthorized error to 401 and malformed results to errors", () => {
    expect(evaluateAuthorizerResult({ errorMessage: "Unauthorized", errorType: "Error" }, ARN)).toEqual({ outcome: "unauthorized" });
    expect(evaluateAuthorizerResult({ errorMessage: "boom" }, ARN).outcome).toBe("error");
    expect(evaluateAuthorizerResult(null, ARN).outcome).toBe("error");
    expect(evaluateAuthorizerResult({ policyDocument: policy("Allow", ARN) }, ARN).outcome).toBe("error");
    expect(evaluateAuthorizerResult({ principalId: "p", policyDocument: policy("Allow", ARN), context: { nested: { a: 1 } } }, ARN).outcome).toBe("error");
    expect(evaluateAuthorizerResult({ principalId: "p", policyDocument: policy("Allow", ARN), context: { big: "x".repeat(9000) } }, ARN).outcome).toBe("error");
  });
});

describe("event pieces", () => {
  it("selects a known route from body.action, else $default", () => {
    expect(selectRoute('{"action":"ask"}', ["ask"])).toBe("ask");
    expect(selectRoute('{"action":"ping"}', ["ask"])).toBe("$default");
    expect(selectRoute('{"action":["ask"]}', ["ask"])).toBe("$default");
    expect(selectRoute("ask", ["ask"])).toBe("$default");
  });

  it("keeps header spelling and repeated values", () => {
    expect(headerMaps(["Host", "a", "X-Multi", "1", "X-Multi", "2"])).toEqual({
      headers: { Host: "a", "X-Multi": "2" },
      multiValueHeaders: { Host: ["a"], "X-Multi": ["1", "2"] },
    });
    expect(queryMaps("")).toEqual({});
    expect(queryMaps("a=1&a=2")).toEqual({ queryStringParameters: { a: "2" }, multiValueQueryStringParameters: { a: ["1", "2"] } });
  });

  it("formats requestTime as API Gateway does", () => {
    expect(formatRequestTime(Date.UTC(2019, 1, 9, 11, 9, 7))).toBe("09/Feb/2019:11:09:07 +0000");
  });

  it("builds $disconnect with status and reason", () => {
    const e = buildDisconnectEvent(
      { apiId: "local", stage: "dev", region: "us-east-1", accountId: "000000000000", domainName: "h" },
      { connectionId: "c=", connectedAt: 1, sourceIp: "127.0.0.1" },
      { requestId: "r", requestTimeEpoch: 2, statusCode: 1001, reason: "Going away" },
      { principalId: "p" },
    );
    expect(e.requestContext).toMatchObject({ routeKey: "$disconnect", eventType: "DISCONNECT", disconnectStatusCode: 1001, authorizer: { principalId: "p" } });
  });
});
