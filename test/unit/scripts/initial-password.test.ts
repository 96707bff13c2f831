/**
 * `npm run initial-password`: every argument mistake named (exit 2), --help, one user's
 * password alone on standard output, and clear errors (exit 1) for what the resolver
 * refuses. The resolver's own paths: stack-client/initial-passwords.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeInitialPasswordsFile } from "../../../local/runtime/initial-passwords-file";
import { parseInitialPasswordArgs, InitialPasswordUsageError, runInitialPasswordCli, USAGE } from "../../../scripts/initial-password";
import type { RunPulumi } from "../../../scripts/stack-client/initial-passwords";
import { AWS_OUTPUTS } from "../../support/stack/aws-outputs-fixture";

describe("parseInitialPasswordArgs", () => {
  it("takes one username and the two value options", () => {
    expect(parseInitialPasswordArgs(["tenant1-user"])).toEqual({ username: "tenant1-user" });
    expect(parseInitialPasswordArgs(["--outputs", "o.json", "tenant1-user", "--stack", "prod"])).toEqual({ username: "tenant1-user", outputs: "o.json", stack: "prod" });
  });

  it.each([
    [[], "expected a <username>"],
    [["a", "b"], 'one username at a time (unexpected "b")'],
    [["a", "--tenant", "t"], "unknown option --tenant (see --help)"],
    [["a", "--outputs"], "--outputs needs a value"],
    [["a", "--stack", "--outputs", "f"], "--stack needs a value"],
    [["a", "--stack", "x", "--stack", "y"], "--stack given twice"],
  ])("%j → %s", (argv, message) => {
    expect(() => parseInitialPasswordArgs(argv)).toThrow(new InitialPasswordUsageError(message));
  });
});

describe("runInitialPasswordCli", () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const io = () => ({ out: (l: string) => out.push(l), err: (l: string) => err.push(l) });
  const outputsFile = (extra: Record<string, unknown>) => {
    const path = join(dir, "stack-outputs.json");
    writeFileSync(path, JSON.stringify({ ...AWS_OUTPUTS, ...extra }));
    return path;
  };
  const pulumi: RunPulumi = async (args) => JSON.stringify(args[2] === "userPoolId" ? "us-east-1_Abc123" : { "tenant1-user": "Temp-Pass-1!abc" });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mta-initial-password-cli-"));
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("--help prints the usage and exits 0", async () => {
    await expect(runInitialPasswordCli(["--help"], io())).resolves.toBe(0);
    expect(out).toEqual([USAGE]);
  });

  it("a bad argument is the mistake and the usage, exit 2", async () => {
    await expect(runInitialPasswordCli([], io())).resolves.toBe(2);
    expect(err[0]).toBe(`expected a <username>\n${USAGE}`);
    expect(out).toEqual([]);
  });

  it("prints an AWS stack's password alone on standard output, the note on standard error", async () => {
    const file = outputsFile({ initialPasswords: "[secret]" });
    await expect(runInitialPasswordCli(["tenant1-user", "--outputs", file], io(), { runPulumi: pulumi })).resolves.toBe(0);
    expect(out).toEqual(["Temp-Pass-1!abc"]);
    expect(err).toEqual(["initial password of tenant1-user (tenant tenant1); a new one is asked at first sign-in:"]);
  });

  it("prints the local stack's password from its file", async () => {
    const passwordsFile = writeInitialPasswordsFile(dir, { "tenant1-user": "Temp-Local-1!abc" });
    const file = outputsFile({ endpoints: { cognito: "http://127.0.0.1:1", dynamodb: "", sts: "", lambda: "", bedrockAgentRuntime: "", apiGatewayManagement: "" }, initialPasswordsFile: passwordsFile });
    await expect(runInitialPasswordCli(["tenant1-user", "--outputs", file], io())).resolves.toBe(0);
    expect(out).toEqual(["Temp-Local-1!abc"]);
  });

  it("refuses --stack for the local stack's outputs", async () => {
    const file = outputsFile({ endpoints: { cognito: "http://127.0.0.1:1", dynamodb: "", sts: "", lambda: "", bedrockAgentRuntime: "", apiGatewayManagement: "" }, initialPasswordsFile: "x" });
    await expect(runInitialPasswordCli(["tenant1-user", "--outputs", file, "--stack", "dev"], io())).resolves.toBe(2);
    expect(err[0]).toMatch(/^--stack applies to an AWS stack's outputs only/);
  });

  it.each([
    ["an unknown user", ["mallory"], {}, /no initial password for "mallory" on this stack \(configured users: tenant1-user\)/],
    ["a missing outputs file", ["tenant1-user", "--outputs", "/nonexistent/o.json"], null, /cannot read stack outputs at \/nonexistent\/o.json/],
    ["an outputs file with the passwords in it", ["tenant1-user"], { initialPasswords: { "tenant1-user": "Temp-Pass-1!abc" } }, /written with --show-secrets/],
  ])("%s is one clear line, exit 1, nothing on standard output", async (_, argv, extra, message) => {
    const args = extra === null ? argv : [...argv, "--outputs", outputsFile(extra)];
    await expect(runInitialPasswordCli(args, io(), { runPulumi: pulumi })).resolves.toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(err[0]).not.toContain("Temp-Pass-1!abc");
  });
});
