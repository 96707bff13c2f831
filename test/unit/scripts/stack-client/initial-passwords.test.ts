/**
 * The initial-password resolver both ways: the local stack's owner-only file, and an AWS
 * stack's secret output through the Pulumi CLI (execFile stubbed: the arguments, no
 * shell, a missing CLI, a failing CLI, the wrong stack, an unknown user).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const execFileMock = jest.fn();
jest.mock("node:child_process", () => ({ execFile: (...args: unknown[]) => execFileMock(...args) }));

import { writeInitialPasswordsFile } from "../../../../local/runtime/initial-passwords-file";
import type { StackOutputs } from "../../../../local/runtime/stack-outputs";
import {
  initialPasswordOf,
  InitialPasswordError,
  initialPasswords,
  pulumiCli,
  PROJECT_DIR,
  type RunPulumi,
} from "../../../../scripts/stack-client/initial-passwords";

const POOL = "us-east-1_Abc123";
const AWS = { region: "us-east-1", userPoolId: POOL, users: { "tenant1-user": "tenant1" } } as unknown as StackOutputs;
const PASSWORDS = { "tenant1-user": "Temp-Pass-1!abc", "tenant2-user": "Temp-Pass-2!abc" };

/** A Pulumi CLI that answers the two outputs the resolver asks for, recording its calls. */
function fakePulumi(answers: { userPoolId?: unknown; initialPasswords?: unknown } = {}) {
  const calls: string[][] = [];
  const run: RunPulumi = async (args) => {
    calls.push([...args]);
    const name = args[2];
    const value = name === "userPoolId" ? (answers.userPoolId ?? POOL) : (answers.initialPasswords ?? PASSWORDS);
    return `${JSON.stringify(value)}\n`;
  };
  return { run, calls };
}

const codeOf = async (promise: Promise<unknown>) => promise.then(() => "resolved", (e: unknown) => (e instanceof InitialPasswordError ? e.code : String(e)));

describe("on an AWS stack: the Pulumi stack's secret output", () => {
  it("asks for the pool id, then initialPasswords with --show-secrets --json, and returns one user's", async () => {
    const pulumi = fakePulumi();
    await expect(initialPasswordOf(AWS, "tenant2-user", { runPulumi: pulumi.run })).resolves.toBe("Temp-Pass-2!abc");
    expect(pulumi.calls).toEqual([
      ["stack", "output", "userPoolId", "--json"],
      ["stack", "output", "initialPasswords", "--show-secrets", "--json"],
    ]);
  });

  it("passes --stack through to both calls", async () => {
    const pulumi = fakePulumi();
    await initialPasswordOf(AWS, "tenant1-user", { runPulumi: pulumi.run, stack: "org/prod" });
    for (const call of pulumi.calls) expect(call.slice(-2)).toEqual(["--stack", "org/prod"]);
  });

  it("refuses a Pulumi stack whose user pool is not the outputs file's, before reading any secret", async () => {
    const pulumi = fakePulumi({ userPoolId: "us-east-1_Other" });
    await expect(initialPasswordOf(AWS, "tenant1-user", { runPulumi: pulumi.run })).rejects.toThrow(
      /has user pool us-east-1_Other, but the outputs file names us-east-1_Abc123: select that stack or pass --stack NAME/,
    );
    expect(pulumi.calls).toHaveLength(1);
  });

  it("names an unknown user and the configured ones, never a password", async () => {
    const error = await initialPasswordOf(AWS, "mallory", { runPulumi: fakePulumi().run }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(InitialPasswordError);
    expect((error as InitialPasswordError).code).toBe("unknown_user");
    expect((error as Error).message).toContain('no initial password for "mallory" on this stack (configured users: tenant1-user, tenant2-user)');
    expect((error as Error).message).not.toMatch(/Temp-Pass/);
  });

  it("does not take an inherited property for a user", async () => {
    await expect(codeOf(initialPasswordOf(AWS, "constructor", { runPulumi: fakePulumi().run }))).resolves.toBe("unknown_user");
  });

  it("refuses output that is not a map of username to password", async () => {
    await expect(codeOf(initialPasswords(AWS, { runPulumi: fakePulumi({ initialPasswords: { u: 1 } }).run }))).resolves.toBe("pulumi_failed");
    await expect(codeOf(initialPasswords(AWS, { runPulumi: async () => "not json" }))).resolves.toBe("pulumi_failed");
  });
});

describe("on the local stack: the owner-only file the outputs name", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mta-resolver-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the file and never runs Pulumi", async () => {
    const file = writeInitialPasswordsFile(dir, PASSWORDS);
    const local = { ...AWS, endpoints: { cognito: "http://127.0.0.1:1" }, initialPasswordsFile: file } as unknown as StackOutputs;
    const run = jest.fn<Promise<string>, [readonly string[]]>();
    await expect(initialPasswordOf(local, "tenant1-user", { runPulumi: run })).resolves.toBe("Temp-Pass-1!abc");
    expect(run).not.toHaveBeenCalled();
  });

  it("says to restart when local outputs name no file (written before this change)", async () => {
    const local = { ...AWS, endpoints: { cognito: "http://127.0.0.1:1" } } as unknown as StackOutputs;
    await expect(codeOf(initialPasswords(local))).resolves.toBe("not_local_outputs");
  });
});

describe("pulumiCli: the real CLI through execFile", () => {
  beforeEach(() => execFileMock.mockReset());

  it("runs `pulumi` with an argument array (no shell) in the project directory, without the update check", async () => {
    execFileMock.mockImplementation((_file, _args, _options, callback) => callback(null, '"x"\n', ""));
    await expect(pulumiCli()(["stack", "output", "userPoolId", "--json"])).resolves.toBe('"x"\n');
    const [file, args, options] = execFileMock.mock.calls[0];
    expect(file).toBe("pulumi");
    expect(args).toEqual(["stack", "output", "userPoolId", "--json"]);
    expect(options).toMatchObject({ cwd: PROJECT_DIR, env: expect.objectContaining({ PULUMI_SKIP_UPDATE_CHECK: "true" }) });
    expect(options).not.toHaveProperty("shell");
  });

  it("says how to get the CLI when it is not installed", async () => {
    execFileMock.mockImplementation((_file, _args, _options, callback) => callback(Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }), "", ""));
    const error = (await pulumiCli()(["stack", "output"]).then(() => undefined, (e: unknown) => e)) as InitialPasswordError;
    expect(error.code).toBe("pulumi_cli_missing");
    expect(error.message).toMatch(/Pulumi CLI \(pulumi\) is not on PATH.*install it/);
  });

  it("passes on the first line of the CLI's own complaint", async () => {
    execFileMock.mockImplementation((_file, _args, _options, callback) =>
      callback(Object.assign(new Error("Command failed"), { code: 255 }), "", "\nerror: current stack does not have output property 'initialPasswords'\nmore\n"),
    );
    const error = (await pulumiCli()(["stack", "output", "initialPasswords", "--show-secrets", "--json"]).then(() => undefined, (e: unknown) => e)) as InitialPasswordError;
    expect(error.code).toBe("pulumi_failed");
    expect(error.message).toBe("pulumi stack output initialPasswords failed: error: current stack does not have output property 'initialPasswords'");
  });
});
