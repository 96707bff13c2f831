/**
 * Cognito stand-in: cognito-local in a child process (it keeps its data under its cwd,
 * so it runs inside the stack's owner-only state directory, and listens on a Unix socket
 * in an owner-only directory: no TCP port another local user could reach without
 * authentication) behind the Cognito gate
 * (gate.ts), which applies what cognito-local leaves out and AWS enforces:
 * temporary-password check, no self sign-up, immutable / non-writable attributes,
 * genuine access tokens, AWS error types, tokens signed with a key made at this start
 * (cognito-local's ships in its npm package). Clients only ever see the gate: its URL is
 * the endpoint, the token issuer and the JWKS. Operator calls (Admin*, pool and client management) need
 * a SigV4 signature and IAM permission, as on AWS. Seeding goes through the gate too,
 * signed with the operator's keys (pool, app client and one
 * operator-created user per configured user, each with a random temporary password, in
 * FORCE_CHANGE_PASSWORD, so the first sign-in gets NEW_PASSWORD_REQUIRED).
 */
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackConfig } from "../../infra/config";
import { createUserPoolClientSettings, createUserPoolSettings, passwordPolicyFor, TENANT_ID_ATTRIBUTE } from "../../infra/user-pool-settings";
import { startCognitoGate, type OperatorAuthentication } from "./gate";
import { CognitoGatePolicy, type CognitoGatePolicyOptions } from "./gate-policy";
import { createTokenSigningKey, privateKeyPem } from "./token-signer";
import { LOCAL_HOST } from "../runtime/listen";
import { ownerOnlyDir, writeOwnerOnlyFile } from "../runtime/owner-only-file";

export interface LocalCognito {
  url: string;
  userPoolId: string;
  userPoolClientId: string;
  issuer: string;
  jwksUri: string;
  /** username → tenantId */
  users: Record<string, string>;
  /** username → temporary password */
  initialPasswords: Record<string, string>;
  /**
   * LOCAL ONLY: the PEM file (0600) of this start's token-signing key, for tests that need
   * a token the pool would sign but cannot be asked for (expired, 3-second lifetime).
   */
  tokenSigningKeyFile: string;
  close(): Promise<void>;
}

export interface LocalCognitoOptions {
  port: number;
  stateDir: string;
  region: string;
  poolName: string;
  config: StackConfig;
  /** The stack's SigV4 verification and IAM evaluation for operator calls. */
  operators: OperatorAuthentication;
  /** Keys of a principal allowed to create the pool, its client and users (the local operator). */
  operatorCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Every successful call that ends a user's access: the local CloudTrail → EventBridge path (I17). */
  onAccessEnded?: CognitoGatePolicyOptions["onAccessEnded"];
}

/**
 * A temporary password that satisfies the pool's policy (infra/user-pool-settings.ts):
 * 20 characters with upper, lower, digit and symbol whatever the random part holds.
 */
export function temporaryPassword(): string {
  return `Tmp-${randomBytes(9).toString("base64url")}-7aZ`;
}

/** The child script: cognito-local with an owner-only umask, exiting when the stack goes away. */
export const COGNITO_LOCAL_CHILD = join(__dirname, "cognito-local-child.cjs");

/** Unix socket paths are limited to 107 bytes (sun_path); leave room. */
const MAX_SOCKET_PATH = 100;

/**
 * An owner-only directory for cognito-local's socket: under the (owner-only) state
 * directory when the path fits a socket address, else a fresh 0700 directory in the
 * system's temporary directory, removed at stop.
 */
export function upstreamSocketDir(dataDir: string): { dir: string; temporary: boolean } {
  const inState = join(dataDir, "run");
  if (join(inState, "cognito-local.sock").length <= MAX_SOCKET_PATH) return { dir: ownerOnlyDir(inState), temporary: false };
  return { dir: ownerOnlyDir(mkdtempSync(join(tmpdir(), "mta-cognito-"))), temporary: true };
}

function waitForSocket(socketPath: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`cognito-local exited during start (code ${code})`));
    child.once("exit", onExit);
    const attempt = () => {
      const socket = net.connect(socketPath);
      socket.once("connect", () => {
        socket.destroy();
        child.off("exit", onExit);
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (Date.now() > deadline) {
          child.off("exit", onExit);
          reject(new Error(`cognito-local did not start within ${timeoutMs} ms`));
        } else setTimeout(attempt, 40);
      });
    };
    attempt();
  });
}

export interface CognitoLocalProcess {
  socketPath: string;
  /** The child, for tests (its pid, its exit). */
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * cognito-local as a child listening on a Unix socket in an owner-only directory (its
 * ServerConfig.port is handed to `server.listen`, which takes a path as a socket), signing
 * tokens with `issuerDomain` as issuer base. Its data directory is owner-only and fresh.
 */
export async function startCognitoLocal(stateDir: string, issuerDomain: string): Promise<CognitoLocalProcess> {
  const dataDir = join(stateDir, "cognito");
  // Fresh pool per start: the printed passwords are the ones that work.
  rmSync(dataDir, { recursive: true, force: true });
  ownerOnlyDir(join(ownerOnlyDir(dataDir), ".cognito"));
  const { dir: socketDir, temporary } = upstreamSocketDir(dataDir);
  const socketPath = join(socketDir, "cognito-local.sock");
  rmSync(socketPath, { force: true });
  // cognito-local defaults new pools to email usernames (AWS does not): plain usernames, as the Pulumi pool.
  const config = {
    UserPoolDefaults: { UsernameAttributes: [] },
    TokenConfig: { IssuerDomain: issuerDomain },
    ServerConfig: { port: socketPath, hostname: LOCAL_HOST },
  };
  writeOwnerOnlyFile(join(dataDir, ".cognito", "config.json"), JSON.stringify(config));
  const child = fork(COGNITO_LOCAL_CHILD, [], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
    execArgv: [],
    stdio: ["ignore", "ignore", "ignore", "ipc"],
  });
  // The channel exists only so the child notices when the stack goes away; it must not keep the stack alive.
  child.channel?.unref();
  const cleanUp = () => {
    if (temporary) rmSync(socketDir, { recursive: true, force: true });
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        cleanUp();
        return resolve();
      }
      child.once("exit", () => {
        cleanUp();
        resolve();
      });
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    });
  try {
    await waitForSocket(socketPath, child, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { socketPath, child, stop };
}

/** Where the key the pool signs tokens with this start is kept (0600), for local tests. */
export function tokenSigningKeyFile(stateDir: string): string {
  return join(stateDir, "cognito-token-signing-key.pem");
}

export async function startCognito(o: LocalCognitoOptions): Promise<LocalCognito> {
  // The gate binds the public port first: its URL is the issuer cognito-local must put in tokens.
  let gateUrl = "";
  // A new key each start: cognito-local's own is public (it ships in its npm package).
  const signingKey = createTokenSigningKey();
  const keyFile = tokenSigningKeyFile(ownerOnlyDir(o.stateDir));
  writeOwnerOnlyFile(keyFile, privateKeyPem(signingKey));
  const policy = new CognitoGatePolicy({ issuerDomain: () => gateUrl, signingJwk: signingKey.publicJwk, onAccessEnded: o.onAccessEnded });
  const gate = await startCognitoGate({ port: o.port, policy, operators: o.operators, signingKey });
  gateUrl = gate.url;
  let stopUpstream: () => Promise<void> = async () => undefined;
  const stop = async () => {
    await gate.close();
    await stopUpstream();
  };
  try {
    const upstream = await startCognitoLocal(o.stateDir, gate.url);
    stopUpstream = upstream.stop;
    gate.setUpstream({ socketPath: upstream.socketPath });
    const url = gate.url;
    const client = new CognitoIdentityProviderClient({
      region: o.region,
      endpoint: url,
      credentials: o.operatorCredentials,
    });
    const { UserPool } = await client.send(
      new CreateUserPoolCommand({
        PoolName: o.poolName,
        UsernameAttributes: [],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        // The Pulumi pool's password policy and tenantId attribute (infra/components/identity.ts).
        ...createUserPoolSettings(passwordPolicyFor(o.config.temporaryPasswordValidityDays)),
      }),
    );
    const userPoolId = UserPool?.Id;
    if (!userPoolId) throw new Error("cognito-local returned no user pool id");
    const { UserPoolClient } = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: `${o.poolName}-web`,
        GenerateSecret: false,
        // As the Pulumi app client (infra/components/identity.ts): custom:tenantId is read-only.
        ...createUserPoolClientSettings(o.config.tokenValidityMinutes),
      }),
    );
    const userPoolClientId = UserPoolClient?.ClientId;
    if (!userPoolClientId) throw new Error("cognito-local returned no app client id");
    const users: Record<string, string> = {};
    const initialPasswords: Record<string, string> = {};
    for (const tenant of o.config.tenants) {
      for (const username of tenant.users) {
        const password = temporaryPassword();
        await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: username,
            TemporaryPassword: password,
            MessageAction: "SUPPRESS",
            UserAttributes: [{ Name: TENANT_ID_ATTRIBUTE.attributeName, Value: tenant.id }],
          }),
        );
        users[username] = tenant.id;
        initialPasswords[username] = password;
      }
    }
    client.destroy();
    return {
      url,
      userPoolId,
      userPoolClientId,
      issuer: `${url}/${userPoolId}`,
      jwksUri: `${url}/${userPoolId}/.well-known/jwks.json`,
      users,
      initialPasswords,
      tokenSigningKeyFile: keyFile,
      close: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
