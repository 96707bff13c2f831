/**
 * The local credential registry: access key id → who holds it. Every stand-in resolves
 * a signed request's key here, so a key is only ever as powerful as the role it was
 * issued for (long-term role keys for the functions, STS session keys with tags).
 */
import { randomBytes } from "node:crypto";
import type { PolicyDocument } from "../../infra/policies";
import { LocalAwsError } from "../runtime/aws-request";

export interface CredentialRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** The ARN IAM sees as the caller (a role session ARN or the admin user ARN). */
  principalArn: string;
  /** The role the key acts as (undefined for the admin user). */
  roleArn?: string;
  /** Frozen by the registry (see register). */
  policies: readonly PolicyDocument[];
  sessionTags: Readonly<Record<string, string>>;
  /** Epoch ms; undefined = does not expire. */
  expiresAt?: number;
}

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** AWS-shaped key id: 4-letter prefix (AKIA long-term, ASIA temporary) + 16 of [A-Z2-7]. */
export function newAccessKeyId(prefix: "AKIA" | "ASIA"): string {
  const bytes = randomBytes(16);
  let id = prefix;
  for (const b of bytes) id += KEY_ALPHABET[b % 32];
  return id;
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString("base64").replace(/[+/=]/g, "x").slice(0, 40);
}

export function newSessionToken(): string {
  return `IQoJb3JpZ2luX2VjE${randomBytes(96).toString("base64")}`;
}

export class CredentialRegistry {
  private readonly byKey = new Map<string, CredentialRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * A key's policies and session tags are frozen once registered: IAM decisions are cached
   * per record (decision-cache.ts), so what a key may do changes only by issuing a new key.
   * (The record object itself stays open: the SDK notes a credential source on it.)
   */
  register(record: CredentialRecord): CredentialRecord {
    record.policies = Object.freeze([...record.policies]);
    record.sessionTags = Object.freeze({ ...record.sessionTags });
    this.byKey.set(record.accessKeyId, record);
    return record;
  }

  /** Long-term keys for a principal (function roles, the admin user). */
  issueLongTerm(args: Omit<CredentialRecord, "accessKeyId" | "secretAccessKey" | "sessionToken" | "expiresAt">): CredentialRecord {
    return this.register({ ...args, accessKeyId: newAccessKeyId("AKIA"), secretAccessKey: newSecretAccessKey() });
  }

  /** Temporary session keys (STS AssumeRole). */
  issueSession(
    args: Omit<CredentialRecord, "accessKeyId" | "secretAccessKey" | "sessionToken" | "expiresAt">,
    durationSeconds: number,
  ): CredentialRecord {
    return this.register({
      ...args,
      accessKeyId: newAccessKeyId("ASIA"),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      expiresAt: this.now() + durationSeconds * 1000,
    });
  }

  /**
   * The record for a key, or a LocalAwsError as the real services answer: unknown key →
   * UnrecognizedClientException, expired session → ExpiredTokenException.
   */
  resolve(accessKeyId: string): CredentialRecord {
    const record = this.byKey.get(accessKeyId);
    if (!record) {
      throw new LocalAwsError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    if (record.expiresAt !== undefined && record.expiresAt <= this.now()) {
      throw new LocalAwsError(400, "ExpiredTokenException", "The security token included in the request is expired");
    }
    return record;
  }

  /**
   * Drop long-expired session keys so the registry does not grow without bound; recently
   * expired ones stay an hour so callers get ExpiredTokenException, not "unknown key".
   */
  sweep(): void {
    const cutoff = this.now() - 3600_000;
    for (const [key, record] of this.byKey) {
      if (record.expiresAt !== undefined && record.expiresAt <= cutoff) this.byKey.delete(key);
    }
  }
}
