/**
 * STS stand-in (awsQuery protocol): AssumeRole mints ASIA… session keys bound to the
 * role's policies and the request's session tags. The caller's identity policy must
 * allow sts:AssumeRole (and sts:TagSession when tagging) on the role, and the role's
 * trust policy must admit the caller with those tags.
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AwsContext } from "../../infra/policies";
import { LocalAwsError, readBody, readRawRequest, type RawAwsRequest } from "../runtime/aws-request";
import type { CredentialRecord, CredentialRegistry } from "../iam/credentials";
import type { CallCounter } from "../runtime/call-counter";
import { evaluateIam, accessDeniedMessage } from "../iam/policy-evaluation";
import { close, listen } from "../runtime/listen";
import { assumedRoleArn, type LocalRole } from "../iam/roles";
import { verifySigV4 } from "../iam/sigv4-verify";
import { trustPolicyAllows } from "../iam/trust-policy";

export const MIN_DURATION_SECONDS = 900;
/** Role chaining (a Lambda role assuming another role) is capped at one hour. */
export const MAX_CHAINED_DURATION_SECONDS = 3600;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
  tags: Record<string, string>;
}

const validation = (message: string) => new LocalAwsError(400, "ValidationError", message);

/** Pure: the AssumeRole parameters from a form-encoded body, validated like STS does. */
export function parseAssumeRole(params: URLSearchParams): AssumeRoleRequest {
  const roleArn = params.get("RoleArn");
  const roleSessionName = params.get("RoleSessionName");
  if (!roleArn) throw validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!roleSessionName || !ROLE_SESSION_NAME.test(roleSessionName)) {
    throw validation("1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]{2,64}");
  }
  const rawDuration = params.get("DurationSeconds");
  const durationSeconds = rawDuration === null ? 3600 : Number(rawDuration);
  if (!Number.isInteger(durationSeconds) || durationSeconds < MIN_DURATION_SECONDS) {
    throw validation("1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
  }
  if (durationSeconds > MAX_CHAINED_DURATION_SECONDS) {
    throw validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
  }
  const tags: Record<string, string> = {};
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) {
    const key = params.get(`Tags.member.${i}.Key`) ?? "";
    const value = params.get(`Tags.member.${i}.Value`) ?? "";
    if (!TAG_KEY.test(key) || value.length > 256) throw validation(`invalid session tag at Tags.member.${i}`);
    if (Object.keys(tags).some((k) => k.toLowerCase() === key.toLowerCase())) throw validation(`duplicate session tag key ${key}`);
    tags[key] = value;
  }
  if (Object.keys(tags).length > 50) throw validation("at most 50 session tags");
  return { roleArn, roleSessionName, durationSeconds, tags };
}

/** The context keys IAM sets for an AssumeRole request with session tags. */
export function assumeRoleContext(tags: Record<string, string>): Record<string, string | string[]> {
  const keys = Object.keys(tags);
  const context: Record<string, string | string[]> = {};
  if (keys.length > 0) context["aws:TagKeys"] = keys;
  for (const [k, v] of Object.entries(tags)) context[`aws:RequestTag/${k}`] = v;
  return context;
}

export interface StsServiceOptions {
  ctx: AwsContext;
  registry: CredentialRegistry;
  roles: ReadonlyMap<string, LocalRole>;
  calls?: CallCounter;
}

/** Authorize and mint: the core of AssumeRole, without HTTP. */
export async function assumeRole(caller: CredentialRecord, request: AssumeRoleRequest, o: StsServiceOptions): Promise<CredentialRecord> {
  const actions = Object.keys(request.tags).length > 0 ? ["sts:AssumeRole", "sts:TagSession"] : ["sts:AssumeRole"];
  const context = assumeRoleContext(request.tags);
  const role = o.roles.get(request.roleArn);
  for (const action of actions) {
    const decision = await evaluateIam(caller, { action, resourceArn: request.roleArn, context });
    const trusted =
      role?.trustPolicy !== undefined &&
      trustPolicyAllows(role.trustPolicy, { principalArn: caller.roleArn ?? caller.principalArn, action, context });
    if (decision !== "Allowed" || !trusted) {
      const message =
        decision !== "Allowed"
          ? accessDeniedMessage(caller, { action, resourceArn: request.roleArn }, decision)
          : `User: ${caller.principalArn} is not authorized to perform: ${action} on resource: ${request.roleArn}`;
      throw new LocalAwsError(403, "AccessDenied", message);
    }
  }
  // Unreachable without a role (trust check above), but keeps the type honest.
  if (!role) throw new LocalAwsError(403, "AccessDenied", `role ${request.roleArn} does not exist`);
  return o.registry.issueSession(
    {
      principalArn: assumedRoleArn(o.ctx, role.name, request.roleSessionName),
      roleArn: role.arn,
      policies: role.policies,
      sessionTags: { ...request.tags },
    },
    request.durationSeconds,
  );
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const NS = "https://sts.amazonaws.com/doc/2011-06-15/";

export function assumeRoleXml(issued: CredentialRecord, requestId: string): string {
  const sessionName = issued.principalArn.split("/").pop() ?? "";
  return `<AssumeRoleResponse xmlns="${NS}">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROALOCAL${xmlEscape(issued.roleArn?.split("/").pop()?.toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 12) ?? "")}:${xmlEscape(sessionName)}</AssumedRoleId>
      <Arn>${xmlEscape(issued.principalArn)}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${xmlEscape(issued.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${xmlEscape(issued.sessionToken ?? "")}</SessionToken>
      <Expiration>${new Date(issued.expiresAt ?? Date.now()).toISOString()}</Expiration>
    </Credentials>
    <PackedPolicySize>${Object.keys(issued.sessionTags).length * 3}</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

function callerIdentityXml(caller: CredentialRecord, requestId: string): string {
  return `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${xmlEscape(caller.principalArn)}</Arn><UserId>${caller.accessKeyId.slice(0, 4)}LOCAL</UserId><Account>000000000000</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
}

/** STS speaks its own error codes for authentication failures. */
export function stsErrorCode(error: LocalAwsError): { status: number; code: string } {
  switch (error.code) {
    case "UnrecognizedClientException":
      return { status: 403, code: "InvalidClientTokenId" };
    case "InvalidSignatureException":
      return { status: 403, code: "SignatureDoesNotMatch" };
    case "ExpiredTokenException":
      return { status: 400, code: "ExpiredToken" };
    case "MissingAuthenticationTokenException":
      return { status: 403, code: "MissingAuthenticationToken" };
    default:
      return { status: error.status, code: error.code };
  }
}

export function errorXml(code: string, message: string, requestId: string, type: "Sender" | "Receiver" = "Sender"): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

export async function handleStsRequest(request: RawAwsRequest, o: StsServiceOptions): Promise<{ status: number; body: string }> {
  const requestId = randomUUID();
  try {
    if (request.method !== "POST") throw new LocalAwsError(400, "InvalidAction", "STS accepts POST form requests");
    const caller = await verifySigV4(request, o.registry, { service: "sts" });
    const params = new URLSearchParams(request.body.toString("utf8"));
    o.calls?.count("sts", String(params.get("Action")).slice(0, 40));
    switch (params.get("Action")) {
      case "AssumeRole": {
        const issued = await assumeRole(caller, parseAssumeRole(params), o);
        return { status: 200, body: assumeRoleXml(issued, requestId) };
      }
      case "GetCallerIdentity":
        return { status: 200, body: callerIdentityXml(caller, requestId) };
      default:
        throw new LocalAwsError(400, "InvalidAction", `Could not find operation ${String(params.get("Action")).slice(0, 40)} for version 2011-06-15`);
    }
  } catch (error) {
    if (error instanceof LocalAwsError) {
      const { status, code } = stsErrorCode(error);
      return { status, body: errorXml(code, error.message, requestId) };
    }
    return { status: 500, body: errorXml("InternalFailure", "internal error", requestId, "Receiver") };
  }
}

export async function startSts(o: StsServiceOptions & { port: number }): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    readBody(req, 64 * 1024)
      .then((body) => handleStsRequest(readRawRequest(req, body), o))
      .catch(() => ({ status: 413, body: errorXml("ValidationError", "request too large", randomUUID()) }))
      .then(({ status, body }) => {
        res.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": randomUUID() });
        res.end(body);
      });
  });
  const port = await listen(server, o.port, "sts");
  return { url: `http://127.0.0.1:${port}`, close: () => close(server) };
}
