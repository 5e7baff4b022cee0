// The commissioner overview: headline figures, utilisation by service, a
// ward × need heat map, a map, demand against capacity week by week,
// funding gaps, uncommissioned work and the unmet-needs register, for the
// filters in the address bar.

import * as api from "./lib/api.js";
import * as charts from "./lib/charts.js";
import { figure } from "./lib/figure.js";
import * as fmt from "./lib/format.js";
import { drawn, start, status } from "./lib/shell.js";

const DOC = "overview";
const CHART_SERVICES = 30;
const CHART_ORGANISATIONS = 15;
// Services (and ward × need cells) read for one view: ten pages of 100.
const ROW_PAGES = 10;
const form = document.getElementById("filters");
const field = (name) => form.elements.namedItem(name);

// The filters, from the address bar; a window of the last 12 weeks by default.
function readState() {
  const q = new URLSearchParams(window.location.search);
  const to = q.get("to") || fmt.addDays(fmt.isoDay(new Date()), 1);
  return {
    from: q.get("from") || fmt.addDays(to, -84),
    to,
    area: q.get("area") || "",
    need: q.get("need") || "",
    gateway: q.get("gateway") || "",
  };
}

function writeState(state) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v) q.set(k, v);
  history.pushState(null, "", `${window.location.pathname}?${q}`);
}

function variables(state) {
  return {
    window: { from: state.from, to: state.to },
    areaId: state.area || null,
    need: state.need || null,
    gatewayId: state.gateway || null,
  };
}

function option(value, label) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

function group(label, items) {
  const g = document.createElement("optgroup");
  g.label = label;
  for (const item of items) g.append(option(item.id, item.name));
  return g;
}

// Fills the selects: every need and gateway, the ICBs and local
// authorities, and the wards of the authority in focus (the one chosen,
// the chosen ward's, or the only one there is). Returns the needs.
async function fillChoices(state) {
  const choices = await api.run(DOC, "OverviewChoices");
  field("need").append(...choices.needs.map((n) => option(n.code, n.label)));
  field("gateway").append(...choices.gateways.nodes.map((g) => option(g.id, `${g.name} (${fmt.codeLabel(g.kind).toLowerCase()})`)));
  const authorities = (await api.runAll(DOC, "OverviewAuthorities", {}, ["areas"])).nodes;
  authorityCount = authorities.length;
  let focus = authorities.length === 1 ? authorities[0].id : null;
  if (state.area) {
    const area = (await api.run(DOC, "OverviewArea", { id: state.area })).node;
    if (area && area.kind === "LOCAL_AUTHORITY") focus = area.id;
    if (area && area.kind === "WARD") focus = area.parent.id;
  }
  const areas = field("area");
  areas.append(group("ICBs", choices.icbs.nodes), group("Local authorities", authorities));
  if (focus) {
    const wards = (await api.runAll(DOC, "OverviewWards", { parentId: focus }, ["areas"])).nodes;
    const name = authorities.find((a) => a.id === focus)?.name || "the authority";
    areas.append(group(`Wards of ${name}`, wards));
  }
  return choices.needs;
}

function showState(state) {
  for (const name of ["from", "to", "area", "need", "gateway"]) field(name).value = state[name];
}

function selectedText(name, fallback) {
  const select = field(name);
  return select.value ? select.selectedOptions[0].textContent : fallback;
}

// ---- drawing ----

function tiles(totals, read) {
  const services = read.nodes;
  const all = totals.capacityOverview.nodes[0] || {};
  const gap = Number(totals.fundingGapTotal.gap);
  const value = Number(totals.uncommissionedWorkTotal.value);
  const over = services.filter((s) => s.overCapacity).length;
  const items = [
    ["services", "Services", fmt.count(all.services), "in scope"],
    ["capacity", "Capacity", fmt.places(all.capacity), "places a week"],
    ["demand", "Demand", fmt.places(all.demand), "referrals accepted a week"],
    ["utilisation", "Utilisation", fmt.percent(all.utilisation), "demand ÷ capacity"],
    ["over-capacity", "Over capacity", fmt.count(over), read.complete ? `of ${fmt.count(services.length)} services` : `of the first ${fmt.count(services.length)} read: choose an area for all`],
    ["funding-gap", "Funding gap", fmt.money(gap), gap > 0 ? "under-funded: cost of demand served above funding (area and window only)" : "funding above the cost of demand served (area and window only)"],
    ["uncommissioned", "Uncommissioned value", fmt.money(value), "unpaid work at the hourly rate (area and window only)"],
    ["unmet", "Open unmet needs", fmt.count(totals.unmetNeeds.totalCount), "on the register"],
    ["stale", "Stale statuses", fmt.count(all.staleServices), "not confirmed recently"],
  ];
  const list = document.createElement("dl");
  for (const [key, label, figureText, note] of items) {
    const tile = document.createElement("div");
    tile.className = "tile";
    tile.dataset.tile = key;
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.className = "figure-value";
    dd.textContent = figureText;
    const small = document.createElement("dd");
    small.className = "note";
    small.textContent = note;
    tile.append(dt, dd, small);
    list.append(tile);
  }
  document.getElementById("tiles").replaceChildren(list);
}

const utilisationText = (u, row) => (u === null || u === undefined ? (row && row.overCapacity ? "no capacity, has demand" : "no capacity") : fmt.percent(u));

function utilisation(services, total, complete) {
  const shown = services.slice(0, CHART_SERVICES);
  const chart = charts.barChart({
    title: "Utilisation by service",
    items: shown.map((s) => ({
      label: s.label,
      value: s.utilisation === null ? 0 : s.utilisation,
      colour: charts.utilisationColour(s.utilisation, s.overCapacity),
      note: s.utilisation === null ? "(no capacity)" : s.overCapacity ? "▲ over" : "",
    })),
    format: fmt.percent,
    reference: 1,
    referenceLabel: "100% of capacity",
  });
  charts.utilisationLegend(chart, 10, Number(chart.getAttribute("height")) - 2);
  chart.setAttribute("height", Number(chart.getAttribute("height")) + 14);
  chart.setAttribute("viewBox", `0 0 ${chart.getAttribute("width")} ${chart.getAttribute("height")}`);
  figure(document.getElementById("utilisation"), {
    title: "Utilisation by service",
    caption:
      `The ${shown.length} services most over capacity, of ${fmt.count(total)} in scope; ` +
      (complete ? "the table lists them all. " : `the table and map hold the first ${fmt.count(services.length)}: choose an area to see every one. `) +
      "Utilisation is demand ÷ places a week, or mean caseload ÷ caseload maximum for one-to-one services.",
    chart,
    rows: services,
    filename: "utilisation-by-service",
    columns: [
      { label: "Service", key: "label" },
      { label: "Organisation", key: (s) => s.service?.organisation?.name || "" },
      { label: "Status", key: "status", format: (v) => (v ? fmt.codeLabel(v) : fmt.MISSING) },
      { label: "Utilisation", key: "utilisation", numeric: true, format: utilisationText },
      { label: "Capacity (places/week)", key: "capacity", numeric: true, format: fmt.places },
      { label: "Demand (/week)", key: "demand", numeric: true, format: fmt.places },
      { label: "Headroom (places/week)", key: "headroom", numeric: true, format: fmt.places },
      { label: "Caseload maximum", key: "caseloadCapacity", numeric: true, format: fmt.places },
      { label: "Mean caseload", key: "activeCaseload", numeric: true, format: fmt.places },
      { label: "Waiting at end", key: "waitingListAtEnd", numeric: true, format: fmt.count },
      { label: "Median wait", key: "waitMedianDays", numeric: true, format: fmt.days },
    ],
  });
}

// A cell's headroom on the side that limits the group, so that its sign
// agrees with its colour (utilisation, the worse of the two): places a
// week, or places on caseloads (marked "c") where those are the tighter.
function cellHeadroom(r) {
  const throughput = r.capacity > 0 ? r.demand / r.capacity : null;
  const caseload = r.caseloadCapacity > 0 ? r.activeCaseload / r.caseloadCapacity : null;
  const byCaseload = caseload !== null && (throughput === null || caseload > throughput);
  return byCaseload ? { value: r.caseloadHeadroom, text: `${fmt.places(r.caseloadHeadroom)}c` } : { value: r.headroom, text: fmt.places(r.headroom) };
}

function heat(rows, needs) {
  const wards = new Map();
  for (const r of rows) if (r.area) wards.set(r.area.id, r.area.name);
  const present = new Set(rows.map((r) => r.need));
  const columns = needs.filter((n) => present.has(n.code)).map((n) => ({ key: n.code, label: n.label }));
  const byCell = new Map(rows.map((r) => [`${r.area?.id}:${r.need}`, r]));
  const wardRows = [...wards].map(([id, label]) => ({ id, label })).sort((a, b) => a.label.localeCompare(b.label));
  const chart = charts.heatMap({
    title: "Headroom by ward and need",
    rows: wardRows,
    columns,
    cell: (w, n) => {
      const r = byCell.get(`${w.id}:${n.key}`);
      return r ? { value: r, text: cellHeadroom(r).text } : null;
    },
    colour: (r) => charts.utilisationColour(r.utilisation, r.overCapacity),
  });
  figure(document.getElementById("heat"), {
    title: "Headroom by ward and need",
    caption: "Spare places of the services based in each ward, by the need they address: places a week (capacity − demand), or places on caseloads (marked \"c\") where those are the tighter. Negative is over capacity. Colour is utilisation, as on every chart; a blank cell has no service.",
    chart,
    rows: rows.filter((r) => r.area),
    filename: "headroom-by-ward-and-need",
    columns: [
      { label: "Ward", key: (r) => r.area.name },
      { label: "Need", key: "need", format: (v) => needs.find((n) => n.code === v)?.label || v },
      { label: "Services", key: "services", numeric: true, format: fmt.count },
      { label: "Capacity (places/week)", key: "capacity", numeric: true, format: fmt.places },
      { label: "Demand (/week)", key: "demand", numeric: true, format: fmt.places },
      { label: "Headroom (places/week)", key: "headroom", numeric: true, format: fmt.places },
      { label: "Caseload headroom", key: "caseloadHeadroom", numeric: true, format: fmt.places },
      { label: "Utilisation", key: "utilisation", numeric: true, format: utilisationText },
    ],
  });
}

// Services sit at their ward's centroid, spread on a sunflower spiral so
// that services of one ward do not hide each other.
function map(services) {
  const places = new Map();
  const perWard = new Map();
  const points = [];
  for (const s of services) {
    const ward = s.service?.location?.ward || s.service?.organisation?.ward;
    if (!ward || ward.latitude === null || ward.longitude === null) continue;
    if (!places.has(ward.id)) places.set(ward.id, { lat: ward.latitude, lon: ward.longitude, name: ward.name });
    const i = perWard.get(ward.id) || 0;
    perWard.set(ward.id, i + 1);
    const angle = i * 2.39996;
    const reach = 5 * Math.sqrt(i);
    const radius = Math.min(12, 2.5 + Math.sqrt(Math.max(s.capacity, s.caseloadCapacity / 4)));
    const place = places.get(ward.id);
    place.reach = Math.max(place.reach || 0, reach * Math.abs(Math.sin(angle)) + radius);
    points.push({
      lat: ward.latitude,
      lon: ward.longitude,
      dx: reach * Math.cos(angle),
      dy: reach * Math.sin(angle),
      radius,
      colour: charts.utilisationColour(s.utilisation, s.overCapacity),
      label: `${s.label} (${ward.name}): ${utilisationText(s.utilisation, s)}, ${fmt.places(s.capacity)} places a week`,
      ward: ward.name,
      row: s,
    });
  }
  const chart = charts.dotMap({ title: "Services by ward, coloured by utilisation", points, places: [...places.values()] });
  figure(document.getElementById("map"), {
    title: "Services on the map",
    caption: "Each dot is a service at its ward's centroid, sized by capacity and coloured by utilisation. Drawn from the coordinates Headroom holds: no map tiles.",
    chart,
    rows: points,
    filename: "services-map",
    columns: [
      { label: "Service", key: (p) => p.row.label },
      { label: "Ward", key: "ward" },
      { label: "Latitude", key: "lat", numeric: true },
      { label: "Longitude", key: "lon", numeric: true },
      { label: "Capacity (places/week)", key: (p) => p.row.capacity, numeric: true, format: fmt.places },
      { label: "Utilisation", key: (p) => p.row.utilisation, numeric: true, format: (u, p) => utilisationText(u, p.row) },
    ],
  });
}

function trend(weeks) {
  const xs = weeks.map((w) => w.window.from.slice(5));
  const chart = charts.lineChart({
    title: "Demand against capacity, week by week",
    xs,
    series: [
      { label: "Demand (referrals accepted a week)", values: weeks.map((w) => w.demand), colour: "#a4470b" },
      { label: "Capacity (places a week)", values: weeks.map((w) => w.capacity), colour: "#215ca0", dash: "6 4" },
    ],
    format: (v) => fmt.count(v),
    yLabel: "a week",
  });
  figure(document.getElementById("trend"), {
    title: "Demand against capacity, week by week",
    caption: "Each week's demand (referrals first accepted or started) against the places a week in force; the last week may be short. Utilisation counts caseloads too (next chart).",
    chart,
    rows: weeks,
    filename: "demand-against-capacity",
    columns: [
      { label: "Week from", key: (w) => w.window.from },
      { label: "Days", key: (w) => Math.round(w.window.weeks * 7), numeric: true },
      { label: "Demand (/week)", key: "demand", numeric: true, format: fmt.places },
      { label: "Capacity (places/week)", key: "capacity", numeric: true, format: fmt.places },
      { label: "Utilisation", key: "utilisation", numeric: true, format: utilisationText },
    ],
  });
}

function caseloads(weeks) {
  const chart = charts.lineChart({
    title: "Caseloads against their maximum, week by week",
    xs: weeks.map((w) => w.window.from.slice(5)),
    series: [
      { label: "Mean caseload (people)", values: weeks.map((w) => w.activeCaseload), colour: "#a4470b" },
      { label: "Caseload maximum", values: weeks.map((w) => w.caseloadCapacity), colour: "#215ca0", dash: "6 4" },
    ],
    format: (v) => fmt.count(v),
    yLabel: "people",
  });
  figure(document.getElementById("caseloads"), {
    title: "Caseloads against their maximum, week by week",
    caption: "One-to-one services hold people on a caseload rather than offering places a week: the mean number on their caseloads each week against the maximum they can hold.",
    chart,
    rows: weeks,
    filename: "caseloads-against-maximum",
    columns: [
      { label: "Week from", key: (w) => w.window.from },
      { label: "Mean caseload", key: "activeCaseload", numeric: true, format: fmt.places },
      { label: "Caseload maximum", key: "caseloadCapacity", numeric: true, format: fmt.places },
      { label: "Waiting at week's end", key: "waitingListAtEnd", numeric: true, format: fmt.count },
    ],
  });
}

const pounds = (pence) => Number(pence) / 100;

function funding(connection) {
  const rows = connection.nodes;
  const chart = charts.barChart({
    title: "Funding gaps by organisation",
    items: rows.map((r) => ({
      label: r.label,
      value: pounds(r.gap),
      colour: r.underFunded ? "#a4470b" : "#6b9bd1",
      note: r.underFunded ? "under-funded" : "",
    })),
    format: (v) => fmt.money(v * 100),
  });
  figure(document.getElementById("funding"), {
    title: "Funding gaps",
    caption: `The ${rows.length} most under-funded of ${fmt.count(connection.totalCount)} organisations: the cost of the demand they served (referrals started × unit cost) minus their funding prorated to the window. By area and window only.`,
    chart,
    rows,
    filename: "funding-gaps",
    columns: [
      { label: "Organisation", key: "label" },
      { label: "Referrals started", key: "referralsStarted", numeric: true, format: fmt.count },
      { label: "Cost of demand", key: "costOfDemand", numeric: true, format: fmt.money, csv: pounds },
      { label: "Funding", key: "funding", numeric: true, format: fmt.money, csv: pounds },
      { label: "Gap", key: "gap", numeric: true, format: fmt.money, csv: pounds },
    ],
  });
}

function uncommissioned(rows) {
  const byOrganisation = new Map();
  for (const r of rows) {
    const name = r.organisation?.name || "Unknown";
    const o = byOrganisation.get(name) || { label: name, value: 0, hours: 0 };
    o.value += Number(r.value);
    o.hours += r.hours;
    byOrganisation.set(name, o);
  }
  const top = [...byOrganisation.values()].sort((a, b) => b.value - a.value).slice(0, CHART_ORGANISATIONS);
  const rate = rows.length ? fmt.money(rows[0].hourlyRate) : fmt.MISSING;
  const chart = charts.barChart({
    title: "Uncommissioned work by organisation",
    items: top.map((o) => ({ label: o.label, value: o.value / 100, colour: "#6b9bd1", note: `(${fmt.count(o.hours)} h)` })),
    format: (v) => fmt.money(v * 100),
  });
  figure(document.getElementById("uncommissioned"), {
    title: "Uncommissioned work",
    caption: `Unpaid work organisations do for the system (interpreting, accompanying, advocacy, initiating referrals), valued at ${rate} an hour; the ${top.length} organisations doing the most. By area and window only.`,
    chart,
    rows,
    filename: "uncommissioned-work",
    columns: [
      { label: "Organisation", key: (r) => r.organisation?.name || "" },
      { label: "Kind", key: "kind", format: fmt.codeLabel },
      { label: "Hours", key: "hours", numeric: true, format: fmt.places },
      { label: "Value", key: "value", numeric: true, format: fmt.money, csv: pounds },
      { label: "Hourly rate", key: "hourlyRate", numeric: true, format: fmt.money, csv: pounds },
    ],
  });
}

function unmet(connection, needs) {
  figure(document.getElementById("unmet"), {
    title: "Unmet needs register",
    caption: `${fmt.count(connection.totalCount)} open entries, highest risk first, with the live evidence: referrals with the need, living in the area, declined for capacity or capability in the window, and link workers' reports that nothing fitted.`,
    chart: null,
    rows: connection.nodes.slice().sort((a, b) => b.riskScore - a.riskScore),
    filename: "unmet-needs",
    empty: "No open entry on the register for these filters.",
    columns: [
      { label: "Need", key: "need", format: (v) => needs.find((n) => n.code === v)?.label || v },
      { label: "Area", key: (r) => r.area?.name || "" },
      { label: "Missing capability", key: (r) => r.missingCapability?.label || "" },
      { label: "Risk (likelihood × impact)", key: "riskScore", numeric: true, format: (v, r) => `${v} (${r.likelihood} × ${r.impact})` },
      { label: "Declined for capacity", key: (r) => r.declineEvidence.declinedForCapacity, numeric: true, format: fmt.count },
      { label: "Declined for capability", key: (r) => r.declineEvidence.declinedForCapability, numeric: true, format: fmt.count },
      { label: "Nothing fitted (reports)", key: "searchReports", numeric: true, format: fmt.count },
      { label: "Evidence", key: "evidence" },
      { label: "Action", key: "action" },
      { label: "Owner", key: "owner" },
      { label: "Review", key: "reviewDate" },
    ],
  });
}

let needs = [];
let generation = 0;
let authorityCount = 0;

// Everywhere, across several authorities, the heat map would hold every
// ward: it asks for an area instead.
function heatNeedsArea(state) {
  return !state.area && authorityCount > 1;
}

async function draw(state) {
  const mine = ++generation;
  performance.mark("headroom:draw-start");
  status("Reading the figures…");
  const vars = variables(state);
  const current = () => mine === generation;
  const totals = api.run(DOC, "OverviewTotals", vars);
  const services = api.runAll(DOC, "OverviewServices", vars, ["capacityOverview"], ROW_PAGES);
  const uncommissionedRows = api.runAll(DOC, "OverviewUncommissioned", { window: vars.window, areaId: vars.areaId }, ["uncommissionedWork"]);
  const parts = [
    Promise.all([totals, services]).then(([t, s]) => current() && tiles(t, s)),
    services.then((s) => {
      if (!current()) return;
      utilisation(s.nodes, s.data.capacityOverview.totalCount, s.complete);
      map(s.nodes);
    }),
    heatNeedsArea(state)
      ? Promise.resolve().then(() =>
          figure(document.getElementById("heat"), {
            title: "Headroom by ward and need",
            rows: [],
            columns: [],
            empty: "Choose a local authority or ward above to see its wards' headroom by need.",
          }),
        )
      : api.runAll(DOC, "OverviewHeat", vars, ["capacityOverview"], ROW_PAGES).then((h) => current() && heat(h.nodes, needs)),
    api.run(DOC, "OverviewTrend", vars).then((d) => {
      if (!current()) return;
      trend(d.capacityTrend);
      caseloads(d.capacityTrend);
    }),
    api.run(DOC, "OverviewFunding", { window: vars.window, areaId: vars.areaId }).then((d) => current() && funding(d.fundingGaps)),
    uncommissionedRows.then((u) => current() && uncommissioned(u.nodes)),
    api.run(DOC, "OverviewUnmet", { window: vars.window, areaId: vars.areaId, need: vars.need }).then((d) => current() && unmet(d.unmetNeeds, needs)),
  ];
  const results = await Promise.allSettled(parts);
  if (!current()) return;
  const failed = results.filter((r) => r.status === "rejected");
  const read = fmt.time(new Date());
  document.getElementById("scope").textContent =
    `Window ${fmt.windowText(state.from, state.to)} · Area: ${selectedText("area", "everywhere")} · Need: ${selectedText("need", "every need")} · ` +
    `Demand from: ${selectedText("gateway", "every gateway")} · Data read at ${read}`;
  if (failed.length) {
    const e = failed[0].reason;
    status(`Some figures could not be read: ${e.message}${e.code ? ` (${e.code})` : ""}`, "error");
  } else {
    status(`Figures read at ${read}.`);
  }
  drawn();
  performance.measure("headroom:draw", "headroom:draw-start", "headroom:drawn");
}

start("overview", async () => {
  const state = readState();
  needs = await fillChoices(state);
  showState(state);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = Object.fromEntries(["from", "to", "area", "need", "gateway"].map((n) => [n, field(n).value]));
    writeState(next);
    draw(next);
  });
  window.addEventListener("popstate", () => {
    const next = readState();
    showState(next);
    draw(next);
  });
  await draw(state);
});
