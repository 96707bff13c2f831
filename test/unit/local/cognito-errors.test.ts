import { awsErrorResponse, CognitoGateRefusal, COGNITO_MESSAGES, errorTypeName, immutableAttributeMessage, rewriteUpstreamError } from "../../../local/cognito-errors";

describe("awsErrorResponse", () => {
  it("names the error in the body and in x-amzn-errortype, status 400, readable cross-origin", () => {
    const r = awsErrorResponse(new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.incorrectCredentials));
    expect(r.status).toBe(400);
    expect(r.headers["x-amzn-errortype"]).toBe("NotAuthorizedException");
    expect(r.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(r.headers["access-control-allow-origin"]).toBe("*");
    expect(r.headers["access-control-expose-headers"]).toContain("x-amzn-errortype");
    expect(JSON.parse(r.body)).toEqual({ __type: "NotAuthorizedException", message: "Incorrect username or password." });
  });

  it("keeps another status when one is given", () => {
    expect(awsErrorResponse(new CognitoGateRefusal("UnknownOperationException", "Not found", 404)).status).toBe(404);
  });
});

describe("rewriteUpstreamError", () => {
  it.each(["InvalidPasswordException", "UserNotFoundException", "NotAuthorizedException"])(
    "answers %s of a password sign-in as AWS does: NotAuthorized, same words for unknown user and wrong password",
    (type) => {
      const r = rewriteUpstreamError("InitiateAuth", "USER_PASSWORD_AUTH", type);
      expect(r?.code).toBe("NotAuthorizedException");
      expect(r?.message).toBe("Incorrect username or password.");
    },
  );

  it("covers ChangePassword's wrong previous password and AdminInitiateAuth", () => {
    expect(rewriteUpstreamError("ChangePassword", undefined, "InvalidPasswordException")?.code).toBe("NotAuthorizedException");
    expect(rewriteUpstreamError("AdminInitiateAuth", "ADMIN_USER_PASSWORD_AUTH", "InvalidPasswordException")?.code).toBe("NotAuthorizedException");
  });

  it("leaves other errors, other operations and refresh-token sign-ins alone", () => {
    expect(rewriteUpstreamError("InitiateAuth", "USER_PASSWORD_AUTH", "ResourceNotFoundException")).toBeUndefined();
    expect(rewriteUpstreamError("InitiateAuth", "REFRESH_TOKEN_AUTH", "NotAuthorizedException")).toBeUndefined();
    expect(rewriteUpstreamError("AdminGetUser", undefined, "UserNotFoundException")).toBeUndefined();
    // A weak new password in the challenge answer keeps its own type (the page explains the policy).
    expect(rewriteUpstreamError("RespondToAuthChallenge", undefined, "InvalidPasswordException")).toBeUndefined();
  });
});

describe("errorTypeName / immutableAttributeMessage", () => {
  it("strips namespaces and suffixes", () => {
    expect(errorTypeName("com.amazonaws.cognito#NotAuthorizedException")).toBe("NotAuthorizedException");
    expect(errorTypeName("NotAuthorizedException:http://internal")).toBe("NotAuthorizedException");
    expect(errorTypeName(undefined)).toBeUndefined();
    expect(errorTypeName("")).toBeUndefined();
  });

  it("uses AWS's wording for immutable attributes", () => {
    expect(immutableAttributeMessage("custom:tenantId")).toBe("user.custom:tenantId: Attribute cannot be updated.");
  });
});
