/**
 * Cognito stand-in: cognito-local in a child process (it keeps its data under its cwd,
 * so it runs inside the stack's state directory) behind the Cognito gate
 * (cognito-gate.ts), which applies what cognito-local leaves out and AWS enforces:
 * temporary-password check, no self sign-up, immutable / non-writable attributes,
 * genuine access tokens, AWS error types. Clients only ever see the gate: its URL is the
 * endpoint and the token issuer. Operator calls (Admin*, pool and client management) need
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
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { join } from "node:path";
import type { StackConfig } from "../infra/config";
import { createUserPoolClientSettings, createUserPoolSettings, TENANT_ID_ATTRIBUTE } from "../infra/user-pool-settings";
import { startCognitoGate, type OperatorAuthentication } from "./cognito-gate";
import { CognitoGatePolicy } from "./cognito-gate-policy";
import { freePort, LOCAL_HOST } from "./listen";

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
}

/**
 * A temporary password that satisfies the pool's policy (infra/user-pool-settings.ts):
 * 20 characters with upper, lower, digit and symbol whatever the random part holds.
 */
export function temporaryPassword(): string {
  return `Tmp-${randomBytes(9).toString("base64url")}-7aZ`;
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`cognito-local exited during start (code ${code})`));
    child.once("exit", onExit);
    const attempt = () => {
      const socket = net.connect(port, LOCAL_HOST);
      socket.once("connect", () => {
        socket.destroy();
        child.off("exit", onExit);
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) {
          child.off("exit", onExit);
          reject(new Error(`cognito-local did not start within ${timeoutMs} ms`));
        } else setTimeout(attempt, 40);
      });
    };
    attempt();
  });
}

/** cognito-local's fixed signing key (public half), shipped in its package: local only. */
function cognitoLocalSigningJwk(): { kid: string } & Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const file = require("cognito-local/lib/keys/cognitoLocal.public.json") as { jwk: { kid: string } & Record<string, unknown> };
  return file.jwk;
}

/** cognito-local as a child on an internal port, signing tokens with `issuerDomain` as issuer base. */
async function startCognitoLocal(stateDir: string, issuerDomain: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dataDir = join(stateDir, "cognito");
  // Fresh pool per start: the printed passwords are the ones that work.
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(dataDir, ".cognito"), { recursive: true });
  // cognito-local defaults new pools to email usernames (AWS does not): plain usernames, as the Pulumi pool.
  const config = { UserPoolDefaults: { UsernameAttributes: [] }, TokenConfig: { IssuerDomain: issuerDomain } };
  writeFileSync(join(dataDir, ".cognito", "config.json"), JSON.stringify(config));
  const child = fork(require.resolve("cognito-local/lib/bin/start.js"), [], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? "", PORT: String(port), HOST: LOCAL_HOST, NO_COLOR: "1" },
    execArgv: [],
    stdio: ["ignore", "ignore", "ignore", "ipc"],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    });
  try {
    await waitForPort(port, child, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://${LOCAL_HOST}:${port}`, stop };
}

export async function startCognito(o: LocalCognitoOptions): Promise<LocalCognito> {
  // The gate binds the public port first: its URL is the issuer cognito-local must put in tokens.
  let gateUrl = "";
  const policy = new CognitoGatePolicy({ issuerDomain: () => gateUrl, signingJwk: cognitoLocalSigningJwk() });
  const gate = await startCognitoGate({ port: o.port, policy, operators: o.operators });
  gateUrl = gate.url;
  let stopUpstream: () => Promise<void> = async () => undefined;
  const stop = async () => {
    await gate.close();
    await stopUpstream();
  };
  try {
    const upstream = await startCognitoLocal(o.stateDir, gate.url);
    stopUpstream = upstream.stop;
    gate.setUpstream(upstream.url);
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
        ...createUserPoolSettings(),
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
        ...createUserPoolClientSettings(),
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
      close: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
