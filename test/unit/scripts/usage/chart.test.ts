/** scripts/usage/chart.ts: a well-formed SVG with a line per tenant, scaled axes and escaped text. */
import { escapeXml, niceMax, tokensChart } from "../../../../scripts/usage/chart";

describe("tokensChart", () => {
  const svg = tokensChart(
    [
      { tenantId: "tenant1", days: { "2026-12-01": 1100, "2026-12-02": 550 } },
      { tenantId: "<b>tenant2</b>", days: { "2026-12-01": 0, "2026-12-02": 4400 } },
    ],
    "Model tokens & more",
  );

  it("draws one polyline per tenant, a point per day, and a legend entry", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain(">tenant1</text>");
  });

  it("scales the y axis to a round maximum above the largest day", () => {
    expect(svg).toContain(">5,000</text>");
    // The largest point sits below the top of the axis, the zero day on the x axis.
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.min(...ys)).toBeGreaterThan(30);
    expect(Math.max(...ys)).toBe(310);
  });

  it("escapes every text it writes", () => {
    expect(svg).toContain("&lt;b&gt;tenant2&lt;/b&gt;");
    expect(svg).toContain("Model tokens &amp; more");
    expect(svg).not.toContain("<b>");
  });

  it("draws an empty chart without dividing by zero", () => {
    const empty = tokensChart([{ tenantId: "t", days: { "2026-12-02": 0 } }], "none");
    expect(empty).not.toContain("NaN");
    expect(empty).not.toContain("Infinity");
  });
});

describe("niceMax / escapeXml", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 1, 3, 7, 11, 4400, 50_001].map(niceMax)).toEqual([1, 1, 5, 10, 20, 5000, 100_000]);
    expect(escapeXml(`a<b>&"'`)).toBe("a&lt;b&gt;&amp;&quot;&apos;");
  });
});
