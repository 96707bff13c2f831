/**
 * web/styles.css: the focus ring is blue (an orange-red ring made every focused field look
 * like an error) and stands out at least 3:1 (WCAG 1.4.11) against the page and the cards,
 * in the light and the dark scheme.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const css = readFileSync(join(__dirname, "../../../web/styles.css"), "utf8");

function variables(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)].map((m) => [m[1], m[2].toLowerCase()]));
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const light = variables(css.slice(css.indexOf(":root {"), css.indexOf("}", css.indexOf(":root {"))));
const darkStart = css.indexOf(":root {", css.indexOf("prefers-color-scheme: dark"));
const dark = variables(css.slice(darkStart, css.indexOf("}", darkStart)));

describe.each([
  ["light", light],
  ["dark", dark],
])("the %s scheme's focus ring", (_, vars) => {
  it("is blue, not the colour of errors or warnings", () => {
    const [r, g, b] = rgb(vars.focus);
    expect(b).toBeGreaterThan(r + 60);
    expect(b).toBeGreaterThan(g);
    expect(vars.focus).not.toBe(vars.danger);
    expect(vars.focus).not.toBe(vars.warn);
  });

  it("has at least 3:1 contrast against the page and the cards", () => {
    expect(contrast(vars.focus, vars.bg)).toBeGreaterThanOrEqual(3);
    expect(contrast(vars.focus, vars.surface)).toBeGreaterThanOrEqual(3);
  });
});

it("every focusable element gets the ring", () => {
  expect(css).toMatch(/:focus-visible\s*\{\s*outline:\s*3px solid var\(--focus\)/);
});
