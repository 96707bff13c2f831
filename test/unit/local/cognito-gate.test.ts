import { CognitoGateRefusal } from "../../../local/cognito-errors";
import { operationOf, parseApiBody, routeOf } from "../../../local/cognito-gate";

describe("routeOf: only what the AWS user-pool endpoint serves", () => {
  it.each([
    ["POST", "/", "api"],
    ["POST", "/?x=1", "api"],
    ["OPTIONS", "/", "passthrough"],
    ["GET", "/local_abc/.well-known/jwks.json", "passthrough"],
    ["GET", "/local_abc/.well-known/openid-configuration", "passthrough"],
    ["GET", "/health", "passthrough"],
    // cognito-local's OAuth2 routes would issue tokens to users still in FORCE_CHANGE_PASSWORD
    ["POST", "/oauth2/token", "not_found"],
    ["GET", "/oauth2/authorize", "not_found"],
    ["POST", "/oauth2/authorize", "not_found"],
    ["POST", "/x", "not_found"],
    ["GET", "/", "not_found"],
    ["PUT", "/", "not_found"],
    ["GET", "/a/b/.well-known/jwks.json", "not_found"],
    ["GET", "//evil.example/health", "not_found"],
    ["POST", "//evil.example/", "not_found"],
  ])("%s %s → %s", (method, url, kind) => {
    expect(routeOf(method, url)).toBe(kind);
  });
});

describe("operationOf: read X-Amz-Target the way cognito-local does", () => {
  it("takes the text between the first and second dot", () => {
    expect(operationOf("AWSCognitoIdentityProviderService.SignUp")).toBe("SignUp");
    expect(operationOf("Anything.SignUp.Extra")).toBe("SignUp");
    expect(operationOf("NoDot")).toBeUndefined();
    expect(operationOf(undefined)).toBeUndefined();
    expect(operationOf(["a.SignUp", "b.GetUser"])).toBeUndefined();
  });
});

describe("parseApiBody", () => {
  const json = { "content-type": "application/x-amz-json-1.1" };
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof CognitoGateRefusal) return error.code;
      throw error;
    }
    return "accepted";
  };

  it("accepts a JSON object in the SDK's media type", () => {
    expect(parseApiBody(json, Buffer.from('{"ClientId":"c"}'))).toEqual({ ClientId: "c" });
    expect(parseApiBody({ "content-type": "application/x-amz-json-1.1; charset=utf-8" }, Buffer.from("{}"))).toEqual({});
  });

  it.each([
    ["a form body (cognito-local would parse it differently)", { "content-type": "application/x-www-form-urlencoded" }, "ClientId=c"],
    ["a JSON body under a form media type", { "content-type": "application/x-www-form-urlencoded" }, "{}"],
    ["no media type", {}, "{}"],
    ["a compressed body", { ...json, "content-encoding": "gzip" }, "{}"],
    ["not JSON", json, "{"],
    ["an array", json, "[]"],
    ["null", json, "null"],
  ])("refuses %s", (_label, headers, body) => {
    expect(code(() => parseApiBody(headers, Buffer.from(body)))).toBe("SerializationException");
  });
});
