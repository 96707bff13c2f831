/**
 * What the gate learns about pools and app clients from the CreateUserPool,
 * AddCustomAttributes and CreateUserPoolClient calls that pass through it, and the rules
 * cognito-local does not apply: self sign-up (AllowAdminCreateUserOnly), attribute
 * mutability, the app client's write attributes and the pool's password policy.
 */
import { passwordPolicyViolation, type PasswordPolicy } from "../../infra/user-pool-settings";
import { COGNITO_MESSAGES, CognitoGateRefusal, immutableAttributeMessage } from "./errors";

/** Cognito's standard attributes; any other schema name is a custom attribute (`custom:` prefix). */
export const STANDARD_ATTRIBUTES: ReadonlySet<string> = new Set([
  "address", "birthdate", "email", "email_verified", "family_name", "gender", "given_name", "locale",
  "middle_name", "name", "nickname", "phone_number", "phone_number_verified", "picture",
  "preferred_username", "profile", "sub", "updated_at", "website", "zoneinfo",
]);

/** Never written through the API, whatever the schema says. */
const ALWAYS_IMMUTABLE = ["sub"];

/** Without WriteAttributes an app client may write the standard attributes only (AWS default). */
const DEFAULT_CLIENT_WRITABLE: ReadonlySet<string> = new Set([...STANDARD_ATTRIBUTES].filter((a) => a !== "sub"));

export interface PoolFacts {
  userPoolId: string;
  adminCreateUserOnly: boolean;
  immutableAttributes: ReadonlySet<string>;
  passwordPolicy: PasswordPolicy;
}

/** What a pool created without `Policies.PasswordPolicy` gets on AWS. */
const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minimumLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 7,
};

/** The policy a CreateUserPool request declares, AWS's defaults for what it leaves out. */
export function passwordPolicyOf(request: Record<string, unknown>): PasswordPolicy {
  const declared = (request.Policies as { PasswordPolicy?: Record<string, unknown> } | undefined)?.PasswordPolicy ?? {};
  const flag = (name: string, fallback: boolean) => (typeof declared[name] === "boolean" ? (declared[name] as boolean) : fallback);
  const count = (name: string, fallback: number) => (typeof declared[name] === "number" ? (declared[name] as number) : fallback);
  const d = DEFAULT_PASSWORD_POLICY;
  return {
    minimumLength: count("MinimumLength", d.minimumLength),
    requireLowercase: flag("RequireLowercase", d.requireLowercase),
    requireUppercase: flag("RequireUppercase", d.requireUppercase),
    requireNumbers: flag("RequireNumbers", d.requireNumbers),
    requireSymbols: flag("RequireSymbols", d.requireSymbols),
    // Cognito takes 0 as "the default" (API reference PasswordPolicyType, checked 2026-12-02).
    temporaryPasswordValidityDays: count("TemporaryPasswordValidityDays", d.temporaryPasswordValidityDays) || d.temporaryPasswordValidityDays,
  };
}

export interface ClientFacts {
  clientId: string;
  userPoolId: string;
  writeAttributes: ReadonlySet<string>;
}

interface SchemaEntry {
  Name?: unknown;
  Mutable?: unknown;
}

/** The attribute name users and tokens see for a schema entry (`tenantId` → `custom:tenantId`). */
export function attributeNameOf(schemaName: string): string {
  return STANDARD_ATTRIBUTES.has(schemaName) || schemaName.startsWith("custom:") ? schemaName : `custom:${schemaName}`;
}

/** Names of the schema entries declared `Mutable: false`. */
export function immutableAttributesOf(schema: unknown): string[] {
  if (!Array.isArray(schema)) return [];
  return (schema as SchemaEntry[])
    .filter((e) => e && typeof e.Name === "string" && e.Mutable === false)
    .map((e) => attributeNameOf(e.Name as string));
}

/** Names an attribute-writing request touches: `UserAttributes[].Name` or `UserAttributeNames[]`. */
export function attributeNamesOf(body: Record<string, unknown>): string[] {
  const names: string[] = [];
  if (Array.isArray(body.UserAttributes)) {
    for (const a of body.UserAttributes as { Name?: unknown }[]) if (a && typeof a.Name === "string") names.push(a.Name);
  }
  if (Array.isArray(body.UserAttributeNames)) {
    for (const n of body.UserAttributeNames as unknown[]) if (typeof n === "string") names.push(n);
  }
  return names;
}

export class PoolRegistry {
  private readonly pools = new Map<string, PoolFacts>();
  private readonly clients = new Map<string, ClientFacts>();

  learnPool(userPoolId: string, request: Record<string, unknown>): void {
    const adminConfig = request.AdminCreateUserConfig as { AllowAdminCreateUserOnly?: unknown } | undefined;
    this.pools.set(userPoolId, {
      userPoolId,
      adminCreateUserOnly: adminConfig?.AllowAdminCreateUserOnly === true,
      immutableAttributes: new Set([...ALWAYS_IMMUTABLE, ...immutableAttributesOf(request.Schema)]),
      passwordPolicy: passwordPolicyOf(request),
    });
  }

  learnCustomAttributes(userPoolId: string, customAttributes: unknown): void {
    const pool = this.pools.get(userPoolId);
    if (!pool) return;
    const added = immutableAttributesOf(customAttributes).map((n) => (n.startsWith("custom:") ? n : `custom:${n}`));
    this.pools.set(userPoolId, { ...pool, immutableAttributes: new Set([...pool.immutableAttributes, ...added]) });
  }

  learnClient(clientId: string, userPoolId: string, request: Record<string, unknown>): void {
    const declared = Array.isArray(request.WriteAttributes) ? (request.WriteAttributes as unknown[]).filter((a): a is string => typeof a === "string") : undefined;
    this.clients.set(clientId, {
      clientId,
      userPoolId,
      writeAttributes: declared && declared.length > 0 ? new Set(declared) : DEFAULT_CLIENT_WRITABLE,
    });
  }

  forgetClient(clientId: unknown): void {
    if (typeof clientId === "string") this.clients.delete(clientId);
  }

  forgetPool(userPoolId: string): void {
    this.pools.delete(userPoolId);
    for (const [id, c] of this.clients) if (c.userPoolId === userPoolId) this.clients.delete(id);
  }

  pool(userPoolId: string): PoolFacts | undefined {
    return this.pools.get(userPoolId);
  }

  client(clientId: unknown): ClientFacts | undefined {
    return typeof clientId === "string" ? this.clients.get(clientId) : undefined;
  }

  /**
   * SignUp is allowed only for a known client of a known pool that does not restrict
   * creation to the operator; everything else is refused (fail closed).
   */
  checkSignUp(clientId: unknown): void {
    const client = this.client(clientId);
    const pool = client && this.pools.get(client.userPoolId);
    if (!pool || pool.adminCreateUserOnly) throw new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.signUpNotPermitted);
  }

  /** A user writing their own attributes with their access token: the client's write attributes, then mutability. */
  checkUserWrite(clientId: string, names: readonly string[]): void {
    const client = this.clients.get(clientId);
    if (!client || names.some((n) => !client.writeAttributes.has(n))) {
      throw new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.unauthorizedAttribute);
    }
    this.checkMutable(client.userPoolId, names);
  }

  /**
   * A password being set (temporary, permanent or new) against its pool's policy, as
   * Cognito checks it. A pool the gate has not seen created is cognito-local's business.
   */
  checkPassword(userPoolId: unknown, password: unknown): void {
    const pool = typeof userPoolId === "string" ? this.pools.get(userPoolId) : undefined;
    if (!pool || typeof password !== "string") return;
    const violation = passwordPolicyViolation(password, pool.passwordPolicy);
    if (violation !== undefined) throw new CognitoGateRefusal("InvalidPasswordException", `Password did not conform with policy: ${violation}`);
  }

  /** The operator (Admin*) writing attributes: immutable ones are still refused. */
  checkMutable(userPoolId: unknown, names: readonly string[]): void {
    const pool = typeof userPoolId === "string" ? this.pools.get(userPoolId) : undefined;
    const immutable = pool?.immutableAttributes ?? new Set(ALWAYS_IMMUTABLE);
    const touched = names.find((n) => immutable.has(n));
    if (touched !== undefined) throw new CognitoGateRefusal("InvalidParameterException", immutableAttributeMessage(touched));
  }
}
