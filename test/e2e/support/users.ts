/**
 * Operator-created users for tests that must not depend on which file signed the demo
 * users in first: created with AdminCreateUser, then given a permanent password.
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import type { E2eStack } from "./stack";

export async function createConfirmedUser(stack: E2eStack, username: string, tenantId: string, password: string): Promise<void> {
  const client = new CognitoIdentityProviderClient({
    region: stack.region,
    endpoint: stack.endpoints.cognito,
    credentials: stack.adminCredentials,
  });
  try {
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.userPoolId,
        Username: username,
        MessageAction: "SUPPRESS",
        TemporaryPassword: `${password}-tmp`,
        UserAttributes: [{ Name: "custom:tenantId", Value: tenantId }],
      }),
    );
    await client.send(
      new AdminSetUserPasswordCommand({ UserPoolId: stack.userPoolId, Username: username, Password: password, Permanent: true }),
    );
  } finally {
    client.destroy();
  }
}
