import * as sdk from "@aws-sdk/client-cognito-identity-provider";
import { CognitoGateRefusal } from "../../../../local/cognito/errors";
import {
  operationAccess,
  operatorIamRequest,
  PUBLIC_OPERATIONS,
  SERVED_PUBLIC_OPERATIONS,
  unservedPublicOperationRefusal,
  userPoolArn,
} from "../../../../local/cognito/operations";

const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };

/** Every operation the SDK knows, from its `<Operation>Command` exports. */
const sdkOperations = Object.keys(sdk)
  .filter((name) => name.endsWith("Command") && name !== "Command")
  .map((name) => name.slice(0, -"Command".length))
  .sort();

function refusalCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CognitoGateRefusal) return error.code;
    throw error;
  }
  return "accepted";
}

describe("operationAccess: public (no IAM) vs operator (SigV4 + IAM)", () => {
  it.each(["InitiateAuth", "RespondToAuthChallenge", "GetUser", "UpdateUserAttributes", "ChangePassword", "GlobalSignOut", "RevokeToken", "SignUp"])(
    "%s is public, as on AWS",
    (op) => {
      expect(operationAccess(op)).toBe("public");
    },
  );

  it.each([
    "AdminCreateUser",
    "AdminSetUserPassword",
    "AdminGetUser",
    "AdminDeleteUser",
    "AdminUpdateUserAttributes",
    "AdminInitiateAuth",
    "CreateUserPool",
    "CreateUserPoolClient",
    "DeleteUserPool",
    "ListUsers",
    "DescribeUserPool",
    "DescribeUserPoolClient",
  ])("%s needs a signature and IAM permission", (op) => {
    expect(operationAccess(op)).toBe("operator");
  });

  it("denies by default: unknown names and case variants are operator calls", () => {
    for (const op of ["Foo", "adminCreateUser", "initiateAuth", "INITIATEAUTH", "InitiateAuth ", "", "InitiateAuth, B"]) {
      expect(operationAccess(op)).toBe("operator");
    }
  });

  it("matches the AWS service model: public exactly where the SDK does not sign", async () => {
    const client = new sdk.CognitoIdentityProviderClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    try {
      const provider = client.config.httpAuthSchemeProvider;
      const unsignedBySdk: string[] = [];
      for (const operation of sdkOperations) {
        const options = await provider({ operation, region: "us-east-1" } as Parameters<typeof provider>[0]);
        if (options.every((o) => o.schemeId === "smithy.api#noAuth")) unsignedBySdk.push(operation);
      }
      expect(sdkOperations.length).toBeGreaterThan(100);
      expect([...PUBLIC_OPERATIONS].sort()).toEqual(unsignedBySdk);
    } finally {
      client.destroy();
    }
  });
});

describe("unservedPublicOperationRefusal: default deny for public operations the system does not use", () => {
  it("serves exactly what the page and the tests use (all of them public on AWS)", () => {
    expect([...SERVED_PUBLIC_OPERATIONS].sort()).toEqual(
      ["ChangePassword", "DeleteUserAttributes", "GetUser", "GlobalSignOut", "InitiateAuth", "RespondToAuthChallenge", "RevokeToken", "SignUp", "UpdateUserAttributes"],
    );
    for (const op of SERVED_PUBLIC_OPERATIONS) {
      expect(operationAccess(op)).toBe("public");
      expect(unservedPublicOperationRefusal(op)).toBeUndefined();
    }
  });

  it("answers self-service password recovery as AWS answers an admin_only pool", () => {
    for (const op of ["ForgotPassword", "ConfirmForgotPassword"]) {
      expect({ ...unservedPublicOperationRefusal(op) }).toMatchObject({ code: "NotAuthorizedException", status: 400 });
      expect(unservedPublicOperationRefusal(op)?.message).toBe("User password cannot be reset in the current state.");
    }
  });

  it("refuses every other public operation, and leaves operator calls to SigV4 and IAM", () => {
    const refusedOps = [...PUBLIC_OPERATIONS].filter((op) => unservedPublicOperationRefusal(op) !== undefined);
    expect(refusedOps.length).toBe(PUBLIC_OPERATIONS.size - SERVED_PUBLIC_OPERATIONS.size);
    expect(refusedOps).toEqual(expect.arrayContaining(["ConfirmSignUp", "ResendConfirmationCode", "DeleteUser", "VerifyUserAttribute", "GetTokensFromRefreshToken"]));
    for (const op of refusedOps) expect(unservedPublicOperationRefusal(op)?.code).toBe("NotAuthorizedException");
    expect(unservedPublicOperationRefusal("AdminSetUserPassword")).toBeUndefined();
    expect(unservedPublicOperationRefusal("MadeUp")).toBeUndefined();
  });
});

describe("operatorIamRequest: cognito-idp:<Operation> on the user pool", () => {
  it("names the pool the body names", () => {
    expect(operatorIamRequest(ctx, "AdminCreateUser", { UserPoolId: "us-east-1_Abc123", Username: "u" })).toEqual({
      action: "cognito-idp:AdminCreateUser",
      resourceArn: "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Abc123",
    });
    expect(userPoolArn(ctx, "local_x1")).toBe("arn:aws:cognito-idp:us-east-1:000000000000:userpool/local_x1");
  });

  it("uses * for CreateUserPool and calls that name no pool", () => {
    expect(operatorIamRequest(ctx, "CreateUserPool", { PoolName: "p" })).toEqual({ action: "cognito-idp:CreateUserPool", resourceArn: "*" });
    // A UserPoolId in a CreateUserPool body must not narrow (or name) the resource.
    expect(operatorIamRequest(ctx, "CreateUserPool", { UserPoolId: "local_a" }).resourceArn).toBe("*");
    expect(operatorIamRequest(ctx, "ListUserPools", { MaxResults: 10 })).toEqual({ action: "cognito-idp:ListUserPools", resourceArn: "*" });
  });

  it.each([
    ["a wildcard", "local_*"],
    ["a path", "local_a/../b"],
    ["another ARN", "arn:aws:cognito-idp:us-east-1:1:userpool/x_y"],
    ["no underscore", "localabc"],
    ["empty", ""],
    ["too long", `local_${"a".repeat(60)}`],
    ["not a string", 42],
    ["null", null],
  ])("refuses %s as the pool id (it would widen the resource)", (_label, poolId) => {
    expect(refusalCode(() => operatorIamRequest(ctx, "AdminGetUser", { UserPoolId: poolId, Username: "u" }))).toBe("InvalidParameterException");
  });

  it.each(["*", "Admin*", "AdminCreateUser, B", "adminCreateUser", "Admin-Create", ""])("refuses the operation name %j", (op) => {
    expect(refusalCode(() => operatorIamRequest(ctx, op, { UserPoolId: "local_a" }))).toBe("UnknownOperationException");
  });
});
