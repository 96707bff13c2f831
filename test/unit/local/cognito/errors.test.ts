import {
  awsErrorResponse,
  COGNITO_IAM_DENIAL,
  CognitoGateRefusal,
  COGNITO_MESSAGES,
  errorTypeName,
  immutableAttributeMessage,
  operatorAuthRefusal,
  rewriteUpstreamError,
} from "../../../../local/cognito/errors";

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

describe("operatorAuthRefusal: SigV4 / IAM refusals in Cognito's error shape", () => {
  it("keeps the AWS code, status and message of a known refusal", () => {
    const refusal = operatorAuthRefusal({ status: 400, code: "AccessDeniedException", message: "User: a is not authorized" });
    expect(refusal).toMatchObject({ code: "AccessDeniedException", status: 400, message: "User: a is not authorized" });
    const { status, headers, body } = awsErrorResponse(operatorAuthRefusal({ status: 400, code: "UnrecognizedClientException", message: "m" }));
    expect(status).toBe(400);
    expect(headers["x-amzn-errortype"]).toBe("UnrecognizedClientException");
    expect(JSON.parse(body)).toEqual({ __type: "UnrecognizedClientException", message: "m" });
  });

  it("turns an unexpected code into an internal error, never a pass or a leak of its message", () => {
    const refusal = operatorAuthRefusal({ status: 413, code: "RequestEntityTooLarge", message: "detail" });
    expect(refusal).toMatchObject({ code: "InternalErrorException", status: 500 });
    expect(refusal.message).not.toContain("detail");
  });

  it("denies IAM the way the other JSON 1.1 services do", () => {
    expect(COGNITO_IAM_DENIAL).toEqual({ status: 400, code: "AccessDeniedException" });
  });
});
