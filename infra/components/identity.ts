/**
 * Cognito (I7): operator-created users only, `custom:tenantId` immutable and not
 * writable by the app client, one user per configured username with a generated
 * temporary password (changed at first sign-in: NEW_PASSWORD_REQUIRED).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { TenantConfig } from "../config";
import { ACCOUNT_RECOVERY_MECHANISMS, APP_CLIENT_SETTINGS, passwordPolicyFor, TENANT_ID_ATTRIBUTE } from "../user-pool-settings";
import type { StackNames } from "../naming";
import { ChildNames } from "./child-names";

export interface IdentityArgs {
  names: StackNames;
  tenants: readonly TenantConfig[];
  deletionProtection: boolean;
  /** ID and access token lifetime (stack config `tokenValidityMinutes`). */
  tokenValidityMinutes: number;
  /** Days a temporary password is valid (stack config `temporaryPasswordValidityDays`, I19). */
  temporaryPasswordValidityDays: number;
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
    const child = new ChildNames(this, name, "identity");

    this.userPool = new aws.cognito.UserPool(
      child.name("users"),
      {
        name: args.names.userPool,
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        passwordPolicy: passwordPolicyFor(args.temporaryPasswordValidityDays),
        mfaConfiguration: "OFF",
        // No email or phone is collected, so only an admin can reset a password.
        accountRecoverySetting: { recoveryMechanisms: ACCOUNT_RECOVERY_MECHANISMS.map((m) => ({ ...m })) },
        deletionProtection: args.deletionProtection ? "ACTIVE" : "INACTIVE",
        schemas: [
          {
            name: TENANT_ID_ATTRIBUTE.name,
            attributeDataType: TENANT_ID_ATTRIBUTE.dataType,
            mutable: TENANT_ID_ATTRIBUTE.mutable,
            required: false,
            developerOnlyAttribute: false,
            stringAttributeConstraints: {
              minLength: String(TENANT_ID_ATTRIBUTE.minLength),
              maxLength: String(TENANT_ID_ATTRIBUTE.maxLength),
            },
          },
        ],
      },
      child.opts("users", "users"),
    );

    this.userPoolClient = new aws.cognito.UserPoolClient(
      child.name("web"),
      {
        name: args.names.userPoolClient,
        userPoolId: this.userPool.id,
        generateSecret: false,
        explicitAuthFlows: [...APP_CLIENT_SETTINGS.explicitAuthFlows],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
        readAttributes: [...APP_CLIENT_SETTINGS.readAttributes],
        writeAttributes: [...APP_CLIENT_SETTINGS.writeAttributes],
        idTokenValidity: args.tokenValidityMinutes,
        accessTokenValidity: args.tokenValidityMinutes,
        refreshTokenValidity: APP_CLIENT_SETTINGS.refreshTokenValidityHours,
        tokenValidityUnits: { idToken: "minutes", accessToken: "minutes", refreshToken: "hours" },
      },
      child.opts("web", "web"),
    );

    this.users = {};
    const passwords: Record<string, pulumi.Output<string>> = {};
    for (const tenant of args.tenants) {
      for (const username of tenant.users) {
        this.users[username] = tenant.id;
        const password = new random.RandomPassword(
          child.name(`password-${username}`),
          {
            // Well above PASSWORD_POLICY.minimumLength, one of each required class.
            length: 20,
            minLower: 1,
            minUpper: 1,
            minNumeric: 1,
            minSpecial: 1,
            overrideSpecial: "!#%*+-=?@^_",
          },
          child.opts(`password-${username}`, `password-${username}`),
        );
        new aws.cognito.User(
          child.name(`user-${username}`),
          {
            userPoolId: this.userPool.id,
            username,
            // The provider prefixes custom attributes with "custom:".
            attributes: { [TENANT_ID_ATTRIBUTE.name]: tenant.id },
            messageAction: "SUPPRESS",
            temporaryPassword: password.result,
          },
          // custom:tenantId is immutable (I7): a user moved to another tenant is a new user,
          // and the username is fixed, so the old one goes first (infra/replacement.ts).
          { ...child.opts(`user-${username}`, `user-${username}`), replaceOnChanges: ["attributes"], deleteBeforeReplace: true },
        );
        passwords[username] = password.result;
      }
    }
    this.initialPasswords = pulumi.secret(pulumi.all(passwords));

    this.registerOutputs({ userPoolId: this.userPool.id, userPoolClientId: this.userPoolClient.id });
  }
}
