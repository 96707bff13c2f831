/**
 * The README's screenshots of the page: every one it shows is in docs/screenshots/ and
 * stays modest in size (they live in the repository), and every PNG there is shown.
 * `npm run screenshots` (scripts/screenshots.ts) retakes them under the same limit.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "../..");
const DIR = join(ROOT, "docs", "screenshots");
/** The same limit as scripts/screenshots.ts `MAX_PNG_BYTES`. */
const MAX_PNG_BYTES = 150 * 1024;

describe("docs/screenshots", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const shown = Array.from(new Set(Array.from(readme.matchAll(/docs\/screenshots\/([\w.-]+\.png)/g), (m) => m[1]))).sort();
  const files = readdirSync(DIR).filter((f) => f.endsWith(".png")).sort();

  it("the README shows the five states of issue 14, each file present", () => {
    expect(shown).toEqual(["chat.png", "mobile.png", "reconnecting.png", "sign-in.png", "stopped.png"]);
    expect(files).toEqual(shown);
  });

  it.each(files)("%s is a PNG under 150 KB", (file) => {
    const bytes = readFileSync(join(DIR, file));
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(statSync(join(DIR, file)).size).toBeLessThanOrEqual(MAX_PNG_BYTES);
  });

  it("scripts/screenshots.ts uses the same limit", () => {
    expect(readFileSync(join(ROOT, "scripts", "screenshots.ts"), "utf8")).toContain(`MAX_PNG_BYTES = ${MAX_PNG_BYTES / 1024} * 1024`);
  });
});
