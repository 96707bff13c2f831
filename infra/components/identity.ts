/**
 * Cognito (invariant 7): operator-created users only, `custom:tenantId` immutable and not
 * writable by the app client, one user per configured username with a generated
 * temporary password (changed at first sign-in: NEW_PASSWORD_REQUIRED).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { TenantConfig } from "../config";

/** Cognito's password policy; the generated temporary passwords satisfy it. */
export const PASSWORD_POLICY = {
  minimumLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 7,
} as const;

export const TENANT_ID_ATTRIBUTE = "custom:tenantId";

export interface IdentityArgs {
  namePrefix: string;
  tenants: readonly TenantConfig[];
  deletionProtection: boolean;
}

export class Identity extends pulumi.ComponentResource {
  readonly userPool: aws.cognito.UserPool;
  readonly userPoolClient: aws.cognito.UserPoolClient;
  /** username → tenantId */
  readonly users: Record<string, string>;
  /** username → temporary password (secret). */
  readonly initialPasswords: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:Identity", name, {}, opts);

    this.userPool = new aws.cognito.UserPool(
      "users",
      {
        name: `${args.namePrefix}-users`,
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        passwordPolicy: { ...PASSWORD_POLICY },
        mfaConfiguration: "OFF",
        // No email or phone is collected, so only an admin can reset a password.
        accountRecoverySetting: { recoveryMechanisms: [{ name: "admin_only", priority: 1 }] },
        deletionProtection: args.deletionProtection ? "ACTIVE" : "INACTIVE",
        schemas: [
          {
            name: "tenantId",
            attributeDataType: "String",
            mutable: false,
            required: false,
            developerOnlyAttribute: false,
            stringAttributeConstraints: { minLength: "1", maxLength: "32" },
          },
        ],
      },
      { parent: this },
    );

    this.userPoolClient = new aws.cognito.UserPoolClient(
      "web",
      {
        name: `${args.namePrefix}-web`,
        userPoolId: this.userPool.id,
        generateSecret: false,
        explicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
        readAttributes: [TENANT_ID_ATTRIBUTE],
        // Explicit and without custom:tenantId: an empty list would mean "all writable".
        writeAttributes: ["name"],
        idTokenValidity: 60,
        accessTokenValidity: 60,
        refreshTokenValidity: 12,
        tokenValidityUnits: { idToken: "minutes", accessToken: "minutes", refreshToken: "hours" },
      },
      { parent: this },
    );

    this.users = {};
    const passwords: Record<string, pulumi.Output<string>> = {};
    for (const tenant of args.tenants) {
      for (const username of tenant.users) {
        this.users[username] = tenant.id;
        const password = new random.RandomPassword(
          `password-${username}`,
          {
            length: 20,
            minLower: 1,
            minUpper: 1,
            minNumeric: 1,
            minSpecial: 1,
            overrideSpecial: "!#%*+-=?@^_",
          },
          { parent: this },
        );
        new aws.cognito.User(
          `user-${username}`,
          {
            userPoolId: this.userPool.id,
            username,
            // The provider prefixes custom attributes with "custom:".
            attributes: { tenantId: tenant.id },
            messageAction: "SUPPRESS",
            temporaryPassword: password.result,
          },
          { parent: this },
        );
        passwords[username] = password.result;
      }
    }
    this.initialPasswords = pulumi.secret(pulumi.all(passwords));

    this.registerOutputs({ userPoolId: this.userPool.id, userPoolClientId: this.userPoolClient.id });
  }
}
