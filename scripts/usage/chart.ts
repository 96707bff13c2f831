/**
 * Tokens per tenant per day as a hand-written SVG line chart (no library): one line per
 * tenant, days on the x axis, tokens (input + output) on the y axis, a legend. Pure; every
 * text is escaped.
 */
export interface ChartSeries {
  tenantId: string;
  /** Day (YYYY-MM-DD) → tokens, in day order. */
  days: Record<string, number>;
}

const WIDTH = 720;
const HEIGHT = 360;
const MARGIN = { left: 70, right: 150, top: 30, bottom: 50 };
const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** A round axis maximum ≥ `max` (1, 2 or 5 × a power of ten). */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((m) => m * power).find((v) => v >= max) ?? 10 * power);
}

export function tokensChart(series: readonly ChartSeries[], title: string): string {
  const days = [...new Set(series.flatMap((s) => Object.keys(s.days)))].sort();
  const max = niceMax(Math.max(0, ...series.flatMap((s) => Object.values(s.days))));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (i: number) => MARGIN.left + (days.length <= 1 ? plotW / 2 : (i * plotW) / (days.length - 1));
  const y = (v: number) => MARGIN.top + plotH - (v / max) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="18" font-size="13">${escapeXml(title)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const value = (max * k) / 4;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${value.toLocaleString("en-US")}</text>`,
    );
  }
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  days.forEach((day, i) => {
    if (i % labelEvery === 0 || i === days.length - 1) {
      parts.push(`<text x="${x(i).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(day.slice(5))}</text>`);
    }
  });
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">day (UTC)</text>`);
  series.forEach((s, n) => {
    const colour = COLOURS[n % COLOURS.length];
    const points = days.map((day, i) => `${x(i).toFixed(1)},${y(s.days[day] ?? 0).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(" ")}"/>`);
    for (const p of points) {
      const [px, py] = p.split(",");
      parts.push(`<circle cx="${px}" cy="${py}" r="2.5" fill="${colour}"/>`);
    }
    const ly = MARGIN.top + 14 * n;
    parts.push(
      `<rect x="${WIDTH - MARGIN.right + 12}" y="${ly}" width="10" height="10" fill="${colour}"/>`,
      `<text x="${WIDTH - MARGIN.right + 28}" y="${ly + 9}">${escapeXml(s.tenantId)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
