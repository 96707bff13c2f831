/**
 * The throughput curve as a self-contained SVG (no library, no script): served asks/s
 * against offered (left axis, with the ideal diagonal) and p50/p99 latency (right axis,
 * logarithmic). Pure: steps in, markup out.
 */
export interface ChartStep {
  offered: number;
  served: number;
  p50Ms: number;
  p99Ms: number;
}

const W = 640;
const H = 360;
const M = { left: 56, right: 64, top: 36, bottom: 48 };

export function throughputSvg(steps: readonly ChartStep[], title = "Local stack: served asks/s and latency by offered load"): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const maxRate = Math.max(10, ...steps.map((s) => Math.max(s.offered, s.served)));
  const x = (v: number) => M.left + (v / maxRate) * plotW;
  const yRate = (v: number) => M.top + plotH - (v / maxRate) * plotH;
  const finite = steps.flatMap((s) => [s.p50Ms, s.p99Ms]).filter((v) => Number.isFinite(v) && v > 0);
  const maxMs = Math.max(1000, ...finite);
  const logMin = 1;
  const yMs = (v: number) => M.top + plotH - ((Math.log10(Math.max(v, 1)) - logMin) / (Math.log10(maxMs) - logMin)) * plotH;
  const line = (points: [number, number][], color: string, dash = "") =>
    `<polyline fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""} points="${points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" ")}"/>` +
    points.map(([a, b]) => `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3" fill="${color}"/>`).join("");
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(maxRate * f));
  const msTicks = [10, 100, 1000, 10000].filter((t) => t <= maxMs);
  const text = (tx: number, ty: number, s: string, anchor = "middle") => `<text x="${tx}" y="${ty}" text-anchor="${anchor}">${s}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
${text(W / 2, 20, title)}
<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>
${ticks.map((t) => `<line x1="${x(t)}" y1="${M.top + plotH}" x2="${x(t)}" y2="${M.top + plotH + 4}" stroke="#999"/>${text(x(t), M.top + plotH + 16, String(t))}${text(M.left - 6, yRate(t) + 4, String(t), "end")}`).join("\n")}
${msTicks.map((t) => `<line x1="${M.left + plotW}" y1="${yMs(t)}" x2="${M.left + plotW + 4}" y2="${yMs(t)}" stroke="#999"/>${text(M.left + plotW + 8, yMs(t) + 4, `${t} ms`, "start")}`).join("\n")}
${text(M.left + plotW / 2, H - 12, "offered asks/s")}
<line x1="${x(0)}" y1="${yRate(0)}" x2="${x(maxRate)}" y2="${yRate(maxRate)}" stroke="#ccc" stroke-dasharray="4 4"/>
${line(steps.map((s) => [x(s.offered), yRate(s.served)]), "#1f77b4")}
${line(steps.filter((s) => Number.isFinite(s.p50Ms)).map((s) => [x(s.offered), yMs(s.p50Ms)]), "#2ca02c", "6 3")}
${line(steps.filter((s) => Number.isFinite(s.p99Ms)).map((s) => [x(s.offered), yMs(s.p99Ms)]), "#d62728", "2 3")}
<g transform="translate(${M.left + 10},${M.top + 12})">
<rect width="10" height="3" y="-4" fill="#1f77b4"/>${text(16, 0, "served asks/s (left)", "start")}
<rect width="10" height="3" y="10" fill="#2ca02c"/>${text(16, 14, "p50 send→done (right, log)", "start")}
<rect width="10" height="3" y="24" fill="#d62728"/>${text(16, 28, "p99 send→done (right, log)", "start")}
</g>
</svg>
`;
}
