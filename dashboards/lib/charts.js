// Charts as SVG, drawn from the rows of the table beside them. Every
// colour is a presentation attribute, so a downloaded chart looks as it
// does on the page; no chart relies on colour alone (bars carry their
// value, cells their number, dots their table).

const NS = "http://www.w3.org/2000/svg";
const FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif";
const INK = "#1d1d1f";
const QUIET = "#5b5b66";
const RULE = "#c9c9d1";

export function node(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) el.setAttribute(name, String(value));
  }
  if (text !== undefined) el.textContent = text;
  return el;
}

function root(width, height, title) {
  const svg = node("svg", {
    xmlns: NS,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "font-family": FONT,
    "font-size": 12,
    fill: INK,
  });
  svg.append(node("title", {}, title));
  svg.append(node("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));
  return svg;
}

// Utilisation in four bands a colour-blind reader can tell apart (blues
// for room, oranges for pressure, differing in lightness too), and grey
// where there is no capacity to measure against.
export const UTILISATION_BANDS = [
  { upTo: 0.5, colour: "#d2e3f3", label: "under 50%" },
  { upTo: 0.85, colour: "#6b9bd1", label: "50–85%" },
  { upTo: 1.0, colour: "#f1a85a", label: "85–100%" },
  { upTo: Infinity, colour: "#a4470b", label: "over 100%" },
];
export const NO_CAPACITY = "#9b9ba5";

export function utilisationColour(u, overCapacity) {
  if (u === null || u === undefined) return overCapacity ? UTILISATION_BANDS[3].colour : NO_CAPACITY;
  return UTILISATION_BANDS.find((b) => u <= b.upTo).colour;
}

function legend(svg, x, y, items) {
  let at = x;
  for (const item of items) {
    svg.append(node("rect", { x: at, y: y - 9, width: 12, height: 12, fill: item.colour, stroke: QUIET, "stroke-width": 0.5 }));
    const label = node("text", { x: at + 16, y: y + 1, fill: QUIET }, item.label);
    svg.append(label);
    at += 30 + item.label.length * 7;
  }
}

export function utilisationLegend(svg, x, y) {
  legend(svg, x, y, [
    ...UTILISATION_BANDS.map((b) => ({ colour: b.colour, label: b.label })),
    { colour: NO_CAPACITY, label: "no capacity" },
  ]);
}

// Horizontal bars, one per item, with the value written at the end of
// each and an optional reference line (the 100% of capacity).
export function barChart({ title, items, format, reference, referenceLabel, width = 760 }) {
  const labelWidth = 250;
  const row = 20;
  const top = reference !== undefined ? 34 : 10;
  const height = top + items.length * row + 12;
  const svg = root(width, height, title);
  const values = items.flatMap((i) => [i.value, i.before]).filter((v) => Number.isFinite(v));
  const max = Math.max(reference || 0, ...values.map(Math.abs), 1e-9);
  const noted = items.some((i) => i.note);
  const plot = width - labelWidth - (noted ? 170 : 80);
  const scale = (v) => (Math.max(0, v) / max) * plot;
  if (reference !== undefined) {
    const x = labelWidth + scale(reference);
    svg.append(node("line", { x1: x, x2: x, y1: top - 8, y2: height - 6, stroke: INK, "stroke-width": 1.5, "stroke-dasharray": "5 3" }));
    svg.append(node("text", { x, y: 14, "text-anchor": "middle", "font-weight": 600 }, referenceLabel));
  }
  items.forEach((item, i) => {
    const y = top + i * row;
    const label = item.label.length > 34 ? `${item.label.slice(0, 33)}…` : item.label;
    svg.append(node("text", { x: labelWidth - 8, y: y + 14, "text-anchor": "end" }, label));
    const length = Number.isFinite(item.value) ? scale(item.value) : 0;
    const bar = node("rect", { x: labelWidth, y: y + 3, width: length, height: row - 6, fill: item.colour || "#6b9bd1" });
    bar.append(node("title", {}, `${item.label}: ${format(item.value)}`));
    svg.append(bar);
    if (Number.isFinite(item.before)) {
      // The figure before the change: a dark tick across the bar.
      const x = labelWidth + scale(item.before);
      svg.append(node("line", { x1: x, x2: x, y1: y + 1, y2: y + row - 1, stroke: INK, "stroke-width": 2.5 }));
    }
    const end = Math.max(length, Number.isFinite(item.before) ? scale(item.before) : 0);
    // A white halo keeps the value legible where it crosses the reference line.
    const halo = { stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" };
    svg.append(node("text", { x: labelWidth + end + 6, y: y + 14, fill: QUIET, ...halo }, format(item.value) + (item.note ? ` ${item.note}` : "")));
  });
  return svg;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  const steps = [1, 2, 2.5, 5, 10];
  return steps.map((s) => s * power).find((s) => s >= v);
}

// Series over the same x labels (weeks), each a line of its own colour
// and dash, with an optional shaded band (low, high) behind the first.
export function lineChart({ title, xs, series, format, yLabel, band, width = 760, height = 300 }) {
  const svg = root(width, height, title);
  const left = 64;
  const right = 16;
  const top = 34;
  const bottom = 44;
  const all = series.flatMap((s) => s.values).concat(band ? band.high : []).filter(Number.isFinite);
  const max = niceMax(Math.max(...all, 0));
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (i) => left + (xs.length <= 1 ? plotW / 2 : (i / (xs.length - 1)) * plotW);
  const y = (v) => top + plotH - (v / max) * plotH;
  for (let t = 0; t <= 4; t += 1) {
    const v = (max * t) / 4;
    svg.append(node("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), stroke: RULE, "stroke-width": 0.75 }));
    svg.append(node("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", fill: QUIET }, format(v)));
  }
  svg.append(node("text", { x: 4, y: 14, fill: QUIET }, yLabel));
  const every = Math.max(1, Math.ceil(xs.length / 8));
  xs.forEach((label, i) => {
    if (i % every === 0 || i === xs.length - 1) {
      svg.append(node("text", { x: x(i), y: height - bottom + 16, "text-anchor": "middle", fill: QUIET }, label));
    }
  });
  if (band) {
    const upper = band.high.map((v, i) => `${x(i)},${y(v)}`);
    const lower = band.low.map((v, i) => `${x(i)},${y(v)}`).reverse();
    svg.append(node("polygon", { points: upper.concat(lower).join(" "), fill: band.colour, "fill-opacity": 0.35 }));
  }
  for (const s of series) {
    const points = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i)},${y(v)}` : null)).filter(Boolean);
    svg.append(node("polyline", { points: points.join(" "), fill: "none", stroke: s.colour, "stroke-width": 2.5, "stroke-dasharray": s.dash }));
  }
  legend(svg, left, height - 8, series.map((s) => ({ colour: s.colour, label: s.label })).concat(band ? [{ colour: band.colour, label: band.label }] : []));
  return svg;
}

// A diverging scale for headroom: blues where there is room, oranges
// where demand exceeds capacity, darker the further from zero.
export function headroomColour(value, extent) {
  if (!Number.isFinite(value)) return "#f4f4f6";
  const t = Math.min(1, Math.abs(value) / Math.max(extent, 1e-9));
  const mix = (a, b) => Math.round(a + (b - a) * t);
  const [from, to] = value >= 0 ? [[238, 243, 250], [33, 92, 160]] : [[253, 239, 226], [164, 71, 11]];
  return `rgb(${mix(from[0], to[0])}, ${mix(from[1], to[1])}, ${mix(from[2], to[2])})`;
}

// A grid of rows × columns, each cell coloured and labelled with its
// number; `cell(row, column)` gives { value, text } or null.
export function heatMap({ title, rows, columns, cell, colour }) {
  const labelWidth = 170;
  const cellW = 46;
  const cellH = 22;
  const top = 140;
  // Column labels lean up and to the right: room above, and to the right
  // of the last column.
  const width = labelWidth + columns.length * cellW + 130;
  const height = top + rows.length * cellH + 10;
  const svg = root(width, height, title);
  columns.forEach((c, j) => {
    const x = labelWidth + j * cellW + cellW / 2;
    const label = c.label.length > 24 ? `${c.label.slice(0, 23)}…` : c.label;
    const text = node("text", { x, y: top - 6, transform: `rotate(-50 ${x} ${top - 6})`, fill: QUIET }, label);
    text.append(node("title", {}, c.label));
    svg.append(text);
  });
  rows.forEach((r, i) => {
    const y = top + i * cellH;
    svg.append(node("text", { x: labelWidth - 6, y: y + 15, "text-anchor": "end" }, r.label));
    columns.forEach((c, j) => {
      const value = cell(r, c);
      const x = labelWidth + j * cellW;
      const fill = value ? colour(value.value) : "#f4f4f6";
      const rect = node("rect", { x, y, width: cellW - 2, height: cellH - 2, fill });
      rect.append(node("title", {}, `${r.label}, ${c.label}: ${value ? value.text : "no service"}`));
      svg.append(rect);
      if (value) {
        const dark = /rgb\((\d+)/.exec(fill);
        const light = dark && Number(dark[1]) < 120;
        svg.append(node("text", { x: x + (cellW - 2) / 2, y: y + 14, "text-anchor": "middle", "font-size": 10.5, fill: light ? "#ffffff" : INK }, value.text));
      }
    });
  });
  return svg;
}

// Dots at coordinates (latitude, longitude), scaled to fit with the
// longitude shrunk by the cosine of the mean latitude, over the places
// (ward centroids) named in grey. No tiles: the shapes come from the data.
export function dotMap({ title, points, places, width = 760, height = 520 }) {
  const svg = root(width, height, title);
  const all = places.concat(points);
  if (!all.length) return svg;
  const lats = all.map((p) => p.lat);
  const lons = all.map((p) => p.lon);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const k = Math.cos((midLat * Math.PI) / 180);
  const spanX = Math.max((Math.max(...lons) - Math.min(...lons)) * k, 1e-6);
  const spanY = Math.max(Math.max(...lats) - Math.min(...lats), 1e-6);
  const pad = 50;
  const s = Math.min((width - 2 * pad) / spanX, (height - 2 * pad - 30) / spanY);
  const px = (lon) => pad + (lon - Math.min(...lons)) * k * s;
  const py = (lat) => pad + (Math.max(...lats) - lat) * s;
  // Each place's name sits above the furthest dot around it.
  for (const p of places) {
    svg.append(node("circle", { cx: px(p.lon), cy: py(p.lat), r: 3, fill: RULE }));
    svg.append(node("text", { x: px(p.lon), y: Math.max(12, py(p.lat) - (p.reach || 0) - 6), "text-anchor": "middle", fill: QUIET, "font-size": 10 }, p.name));
  }
  for (const p of points) {
    const dot = node("circle", { cx: px(p.lon) + p.dx, cy: py(p.lat) + p.dy, r: p.radius, fill: p.colour, "fill-opacity": 0.85, stroke: "#ffffff", "stroke-width": 0.75 });
    dot.append(node("title", {}, p.label));
    svg.append(dot);
  }
  utilisationLegend(svg, pad, height - 10);
  return svg;
}
