/**
 * The outputs contract holds no password (I19): Pulumi's "[secret]" placeholder for the
 * AWS stack's initialPasswords is dropped, a file with the passwords themselves (written
 * with --show-secrets) is refused with what to do instead, never read and never echoed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStackOutputs, StackOutputsError, withoutSecretPlaceholder } from "../../../../local/runtime/stack-outputs";
import { AWS_OUTPUTS } from "../../../support/stack/aws-outputs-fixture";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mta-outputs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fileWith = (content: unknown) => {
  const path = join(dir, "stack-outputs.json");
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe("loadStackOutputs and the secret output (I19)", () => {
  it("reads what `pulumi stack output --json` writes, without the secret placeholder", () => {
    const outputs = loadStackOutputs(fileWith({ ...AWS_OUTPUTS, initialPasswords: "[secret]" }));
    expect(outputs.userPoolId).toBe("us-east-1_Abc123");
    expect(outputs).not.toHaveProperty("initialPasswords");
  });

  it("reads outputs without the key at all (the local stack's)", () => {
    expect(loadStackOutputs(fileWith(AWS_OUTPUTS)).users).toEqual({ "tenant1-user": "tenant1" });
  });

  it("refuses a file written with --show-secrets, says what to do, and never echoes a password", () => {
    const path = fileWith({ ...AWS_OUTPUTS, initialPasswords: { "tenant1-user": "Temp-Pass-9!xyz" } });
    let error: unknown;
    try {
      loadStackOutputs(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackOutputsError);
    const message = (error as Error).message;
    expect(message).toContain(`${path} holds initialPasswords (written with --show-secrets)`);
    expect(message).toContain("pulumi stack output --json > stack-outputs.json");
    expect(message).toContain("npm run initial-password -- <username>");
    expect(message).not.toContain("Temp-Pass-9!xyz");
  });

  it.each([["an empty object", {}], ["a string other than the placeholder", "Temp-Pass-9!xyz"], ["null", null]])(
    "refuses initialPasswords as %s too (only the placeholder is dropped)",
    (_, value) => {
      expect(() => withoutSecretPlaceholder("f.json", { ...AWS_OUTPUTS, initialPasswords: value })).toThrow(StackOutputsError);
    },
  );

  it("leaves anything that is not an object to the schema's own errors", () => {
    expect(withoutSecretPlaceholder("f.json", [1])).toEqual([1]);
    expect(() => loadStackOutputs(fileWith([1]))).toThrow(StackOutputsError);
  });
});
