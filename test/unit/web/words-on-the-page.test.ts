/**
 * Words an end user reads (issue 14 item 5): no developer jargon such as "stack" (or
 * "Lambda", an exception's name) in any sentence the page's scripts can show, nor in the
 * markup's text. Comments are for developers and are not read; every string literal and template
 * text of web/js is, with TypeScript's own scanner so a comment-like string still counts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const webDir = join(__dirname, "../../../web");
const JARGON = /\bstacks?\b|\bLambda\b|\w+Exception\b|\bCloudFormation\b|\bPulumi\b/i;
/** Prose: a string with a space in it. One-word strings are codes and names (`NotAuthorizedException`), never shown as they are. */
const isProse = (s: string) => /\S\s+\S/.test(s);

/** Every string literal and template piece in `source`, comments left out. */
function stringsOf(source: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, source);
  const found: string[] = [];
  // Open braces inside each `${…}` still open: a `}` at depth 0 ends the substitution.
  const substitutions: number[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.OpenBraceToken && substitutions.length > 0) substitutions[substitutions.length - 1]++;
    if (token === ts.SyntaxKind.CloseBraceToken && substitutions.length > 0) {
      if (substitutions[substitutions.length - 1] > 0) {
        substitutions[substitutions.length - 1]--;
        continue;
      }
      substitutions.pop();
      token = scanner.reScanTemplateToken(false);
    }
    if (token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken) token = scanner.reScanSlashToken();
    if (token === ts.SyntaxKind.TemplateHead || token === ts.SyntaxKind.TemplateMiddle) substitutions.push(0);
    if (
      token === ts.SyntaxKind.StringLiteral ||
      token === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
      token === ts.SyntaxKind.TemplateHead ||
      token === ts.SyntaxKind.TemplateMiddle ||
      token === ts.SyntaxKind.TemplateTail
    ) {
      found.push(scanner.getTokenValue());
    }
  }
  return found;
}

/** The markup's text and attribute values a person may see or hear, comments left out. */
function htmlWords(html: string): string[] {
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, "");
  const text = withoutComments.replace(/<[^>]*>/g, " ").split(/\s{2,}/);
  const attributes = Array.from(withoutComments.matchAll(/\b(?:aria-label|title|placeholder|alt|content)="([^"]*)"/g), (m) => m[1]);
  return [...text, ...attributes].map((s) => s.trim()).filter(Boolean);
}

describe("words on the page", () => {
  const scripts = readdirSync(join(webDir, "js")).filter((f) => f.endsWith(".js"));

  it.each(scripts)("web/js/%s shows no jargon", (file) => {
    const strings = stringsOf(readFileSync(join(webDir, "js", file), "utf8"));
    expect(strings.filter((s) => isProse(s) && JARGON.test(s))).toEqual([]);
  });

  it("web/index.html shows no jargon", () => {
    const words = htmlWords(readFileSync(join(webDir, "index.html"), "utf8"));
    expect(words.length).toBeGreaterThan(20);
    expect(words.filter((s) => isProse(s) && JARGON.test(s))).toEqual([]);
  });

  it("reads strings and templates, not comments (so the check can fail)", () => {
    const source = [
      "// the local stack restarted",
      "/* a stack */",
      'const a = "Your stack is down";',
      "const b = `Hello ${name}, the stack ${{ a: 1 }.a} is gone`;",
      "if (x) { y = `${`inner ${z}`}`; }",
      "const r = /stack/;",
      "const c = 'fine';",
    ].join("\n");
    expect(stringsOf(source)).toEqual(["Your stack is down", "Hello ", ", the stack ", " is gone", "", "inner ", "", "", "fine"]);
    expect(stringsOf(source).filter((s) => isProse(s) && JARGON.test(s))).toEqual(["Your stack is down", ", the stack "]);
  });
});
