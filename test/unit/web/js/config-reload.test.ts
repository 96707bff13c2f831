import { CognitoError, type CognitoClient } from "../../../../web/js/cognito.js";
import { cognitoConfigChanged, createReloadingCognito, mayBeStaleConfig } from "../../../../web/js/config-reload.js";
import type { PageConfig } from "../../../../web/js/config.js";

const OLD: PageConfig = {
  region: "eu-west-1",
  userPoolClientId: "old-client",
  cognitoEndpoint: "http://127.0.0.1:4520/",
  webSocketUrl: "ws://127.0.0.1:4510/dev",
  webSocketProtocol: "mta.v1",
};
const NEW: PageConfig = { ...OLD, userPoolClientId: "new-client", webSocketUrl: "ws://127.0.0.1:4610/dev" };
const TOKENS = { kind: "tokens" as const, tokens: { idToken: "i", accessToken: "a" } };

/** A client per config: the old client id is unknown to Cognito, the new one signs in. */
function clients(calls: string[]) {
  return (config: PageConfig): CognitoClient => {
    const answer = async (op: string) => {
      calls.push(`${op}@${config.userPoolClientId}`);
      if (config.userPoolClientId === "old-client") throw new CognitoError("ResourceNotFoundException", "App Client old-client not found", 400);
      return TOKENS;
    };
    return {
      signIn: () => answer("signIn"),
      completeNewPassword: () => answer("completeNewPassword"),
      refresh: () => answer("refresh"),
      revoke: async () => {
        await answer("revoke");
      },
    };
  };
}

describe("mayBeStaleConfig", () => {
  it("is true only for refusals a new configuration can cure", () => {
    expect(mayBeStaleConfig(new CognitoError("ResourceNotFoundException"))).toBe(true);
    expect(mayBeStaleConfig(new CognitoError("NetworkError"))).toBe(true);
    expect(mayBeStaleConfig(new CognitoError("NotAuthorizedException"))).toBe(false);
    expect(mayBeStaleConfig(new Error("ResourceNotFoundException"))).toBe(false);
  });

  it("compares only the Cognito settings", () => {
    expect(cognitoConfigChanged(OLD, { ...OLD, webSocketUrl: "ws://x/dev" })).toBe(false);
    expect(cognitoConfigChanged(OLD, NEW)).toBe(true);
    expect(cognitoConfigChanged(OLD, { ...OLD, cognitoEndpoint: "http://127.0.0.1:9/" })).toBe(true);
  });
});

describe("createReloadingCognito", () => {
  it("reloads a stale configuration once and retries the same call with the new client", async () => {
    const calls: string[] = [];
    const adopted: PageConfig[] = [];
    const loadConfig = jest.fn(async () => NEW);
    const cognito = createReloadingCognito({ config: OLD, loadConfig, createClient: clients(calls), onConfig: (c) => adopted.push(c) });
    await expect(cognito.signIn("alice", "pw")).resolves.toEqual(TOKENS);
    expect(calls).toEqual(["signIn@old-client", "signIn@new-client"]);
    expect(loadConfig).toHaveBeenCalledTimes(1);
    expect(adopted).toEqual([NEW]);
    expect(cognito.config()).toBe(NEW);
    // From then on the new client is used directly.
    await cognito.refresh("r");
    expect(calls.slice(2)).toEqual(["refresh@new-client"]);
    expect(loadConfig).toHaveBeenCalledTimes(1);
  });

  it("keeps the original refusal when the configuration is unchanged or cannot be loaded", async () => {
    for (const loadConfig of [async () => OLD, async () => Promise.reject(new Error("down"))]) {
      const calls: string[] = [];
      const cognito = createReloadingCognito({ config: OLD, loadConfig, createClient: clients(calls) });
      await expect(cognito.signIn("alice", "pw")).rejects.toMatchObject({ code: "ResourceNotFoundException" });
      expect(calls).toEqual(["signIn@old-client"]);
    }
  });

  it("never reloads for a refusal about the user", async () => {
    const loadConfig = jest.fn(async () => NEW);
    const cognito = createReloadingCognito({
      config: OLD,
      loadConfig,
      createClient: () => ({
        signIn: async () => Promise.reject(new CognitoError("NotAuthorizedException", "Incorrect username or password.")),
        completeNewPassword: async () => TOKENS,
        refresh: async () => TOKENS,
        revoke: async () => undefined,
      }),
    });
    await expect(cognito.signIn("a", "b")).rejects.toMatchObject({ code: "NotAuthorizedException" });
    expect(loadConfig).not.toHaveBeenCalled();
  });

  it("retries at most once: a second stale answer is the user's to see", async () => {
    const calls: string[] = [];
    let version = 0;
    const cognito = createReloadingCognito({
      config: OLD,
      loadConfig: async () => ({ ...OLD, userPoolClientId: `old-client-${++version}` }),
      createClient: (config) => ({
        signIn: async () => {
          calls.push(config.userPoolClientId);
          throw new CognitoError("ResourceNotFoundException");
        },
        completeNewPassword: async () => TOKENS,
        refresh: async () => TOKENS,
        revoke: async () => undefined,
      }),
    });
    await expect(cognito.signIn("a", "b")).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    expect(calls).toEqual(["old-client", "old-client-1"]);
  });

  it("shares one reload between calls that fail together", async () => {
    const calls: string[] = [];
    const loadConfig = jest.fn(async () => NEW);
    const cognito = createReloadingCognito({ config: OLD, loadConfig, createClient: clients(calls) });
    await Promise.all([cognito.signIn("a", "b"), cognito.refresh("r")]);
    expect(loadConfig).toHaveBeenCalledTimes(1);
    expect(calls.filter((c) => c.endsWith("@new-client")).sort()).toEqual(["refresh@new-client", "signIn@new-client"]);
  });
});
