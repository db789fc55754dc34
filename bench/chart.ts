/**
 * The throughput chart as plain SVG text: records per second against Kombo's page latency, one
 * panel per DynamoDB latency, for ours, the two reference loops and the cursor-chain bound. Log
 * scale on y (the lines differ by factors); x spaced evenly by the measured latencies.
 */
import type { Cell, ThroughputResult } from './throughput';

interface Series {
  readonly name: string;
  readonly colour: string;
  readonly dash?: string;
  readonly width: number;
  readonly value: (cell: Cell) => number | undefined;
}

const SERIES: readonly Series[] = [
  { name: 'kombo-sync worker', colour: '#1f77b4', width: 3, value: (cell) => cell.ours.recordsPerSecond },
  {
    name: "guide's loop (fetch + PutItem each)",
    colour: '#ff7f0e',
    width: 2,
    value: (cell) => cell.references?.['guide-fetch'].recordsPerSecond,
  },
  {
    name: 'SDK iterator + PutItem each',
    colour: '#2ca02c',
    width: 2,
    value: (cell) => cell.references?.['sdk-iterator'].recordsPerSecond,
  },
  {
    name: 'bound: records ÷ (pages × L)',
    colour: '#d62728',
    dash: '8 5',
    width: 2,
    value: (cell) => (cell.boundSeconds > 0 ? cell.records / cell.boundSeconds : undefined),
  },
];

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const format = (value: number) => (value >= 10_000 ? `${Math.round(value / 1000)}k` : String(Math.round(value)));

/** 1, 2, 5 × 10^k between the bounds. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power++) {
    for (const step of [1, 2, 5]) {
      const tick = step * 10 ** power;
      if (tick >= min && tick <= max) ticks.push(tick);
    }
  }
  return ticks;
}

export function throughputSvg(result: ThroughputResult, caption: string): string {
  const dynamoLatencies = [...new Set(result.cells.map((cell) => cell.dynamoLatencyMs))];
  const komboLatencies = [...new Set(result.cells.map((cell) => cell.komboLatencyMs))].sort((a, b) => a - b);
  const values = result.cells.flatMap((cell) =>
    SERIES.map((series) => series.value(cell)).filter((v): v is number => v !== undefined && v > 0),
  );
  const yMin = Math.min(...values) / 1.6;
  const yMax = Math.max(...values) * 1.6;

  const panelWidth = 440;
  const panelHeight = 320;
  const margin = { left: 80, top: 100, gap: 70 };
  const width = margin.left + dynamoLatencies.length * (panelWidth + margin.gap) + 20;
  const legendTop = margin.top + panelHeight + 64;
  const height = legendTop + Math.ceil(SERIES.length / 2) * 24 + 30;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="28" font-size="18" font-weight="bold">Backfill of ${result.records.toLocaleString('en-US')} records (${result.pageSize} a page): records/s vs Kombo page latency</text>`,
    `<text x="${margin.left}" y="48" fill="#555">${escapeXml(caption)}</text>`,
  );

  dynamoLatencies.forEach((dynamoMs, panelIndex) => {
    const x0 = margin.left + panelIndex * (panelWidth + margin.gap);
    const y0 = margin.top;
    const xOf = (index: number) =>
      komboLatencies.length === 1
        ? x0 + panelWidth / 2
        : x0 + 30 + (index * (panelWidth - 60)) / (komboLatencies.length - 1);
    const yOf = (value: number) =>
      y0 + panelHeight - ((Math.log10(value) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * panelHeight;

    out.push(`<g>`);
    out.push(`<rect x="${x0}" y="${y0}" width="${panelWidth}" height="${panelHeight}" fill="#fafafa" stroke="#999"/>`);
    out.push(
      `<text x="${x0 + panelWidth / 2}" y="${y0 - 10}" text-anchor="middle" font-size="15" font-weight="bold">DynamoDB latency ${dynamoMs} ms per request</text>`,
    );
    for (const tick of logTicks(yMin, yMax)) {
      const y = yOf(tick).toFixed(1);
      out.push(`<line x1="${x0}" y1="${y}" x2="${x0 + panelWidth}" y2="${y}" stroke="#e0e0e0"/>`);
      out.push(
        `<text x="${x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${format(tick)}</text>`,
      );
    }
    komboLatencies.forEach((latency, index) => {
      const x = xOf(index).toFixed(1);
      out.push(`<line x1="${x}" y1="${y0 + panelHeight}" x2="${x}" y2="${y0 + panelHeight + 5}" stroke="#444"/>`);
      out.push(`<text x="${x}" y="${y0 + panelHeight + 20}" text-anchor="middle" fill="#444">${latency} ms</text>`);
    });
    out.push(
      `<text x="${x0 + panelWidth / 2}" y="${y0 + panelHeight + 40}" text-anchor="middle">Kombo page latency L</text>`,
    );
    if (panelIndex === 0) {
      out.push(
        `<text transform="translate(${x0 - 55} ${y0 + panelHeight / 2}) rotate(-90)" text-anchor="middle">records per second (log scale)</text>`,
      );
    }
    for (const series of SERIES) {
      const points = komboLatencies
        .map((latency, index) => {
          const cell = result.cells.find((c) => c.dynamoLatencyMs === dynamoMs && c.komboLatencyMs === latency);
          const value = cell ? series.value(cell) : undefined;
          return value !== undefined && value > 0 ? { x: xOf(index), y: yOf(value), value } : undefined;
        })
        .filter((point): point is { x: number; y: number; value: number } => point !== undefined);
      if (points.length === 0) continue;
      const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
      out.push(
        `<polyline fill="none" stroke="${series.colour}" stroke-width="${series.width}"${dash} points="${points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}"/>`,
      );
      for (const point of points) {
        out.push(`<circle cx="${point.x.toFixed(1)}" cy="${point.y.toFixed(1)}" r="4" fill="${series.colour}"/>`);
      }
      if (series === SERIES[0]) {
        for (const point of points) {
          out.push(
            `<text x="${(point.x + 7).toFixed(1)}" y="${(point.y - 8).toFixed(1)}" fill="${series.colour}" font-weight="bold">${format(point.value)}</text>`,
          );
        }
      }
    }
    out.push(`</g>`);
  });

  SERIES.forEach((series, index) => {
    const x = margin.left + (index % 2) * 420;
    const y = legendTop + Math.floor(index / 2) * 24;
    const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
    out.push(
      `<line x1="${x}" y1="${y}" x2="${x + 36}" y2="${y}" stroke="${series.colour}" stroke-width="${series.width}"${dash}/>`,
      `<text x="${x + 44}" y="${y}" dominant-baseline="middle">${escapeXml(series.name)}</text>`,
    );
  });
  out.push(
    `<text x="${margin.left}" y="${height - 14}" fill="#777" font-size="11">No bound at L = 0. Ours: median of its runs; references: one run each, where they ran (see throughput.json).</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
