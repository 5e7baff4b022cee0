// The scenario page: build a scenario from the changes a commissioner
// weighs (link workers in a PCN, Champions in a ward, extra demand,
// capacity, funding), run it, and read the answer: services before and
// after, the weeks they tip over capacity, a waiting list with its band,
// funding needed, and demand nothing can absorb. Scenarios compare side
// by side. The address keeps the run shown (`?run=…`).

import * as api from "./lib/api.js";
import * as charts from "./lib/charts.js";
import { el } from "./lib/dom.js";
import { figure } from "./lib/figure.js";
import * as fmt from "./lib/format.js";
import { drawn, start, status } from "./lib/shell.js";

const DOC = "scenario";
const CHART_SERVICES = 30;
const form = document.getElementById("scenario-form");
const field = (name) => form.elements.namedItem(name);
const changes = [];
let needs = [];

const pounds = (pence) => (pence === null || pence === undefined ? null : Number(pence) / 100);
const week = (w) => (w === null || w === undefined ? fmt.MISSING : `week ${w}`);
const band = (b, format) => (b && b.p10 !== null ? `${format(b.p10)}–${format(b.p90)}` : fmt.MISSING);
const needLabel = (code) => needs.find((n) => n.code === code)?.label || fmt.codeLabel(code);

function options(select, items, label = (i) => i.name) {
  select.append(...items.map((i) => el("option", { value: i.id }, label(i))));
}

async function fillChoices() {
  const [choices, wards, organisations, services] = await Promise.all([
    api.run(DOC, "ScenarioChoices"),
    api.runAll(DOC, "ScenarioWards", {}, ["areas"]),
    api.runAll(DOC, "ScenarioOrganisations", {}, ["organisations"]),
    api.runAll(DOC, "ScenarioServices", {}, ["services"]),
  ]);
  needs = choices.needs;
  options(field("pcn"), choices.pcns.nodes);
  options(field("ward"), wards.nodes);
  options(field("organisation"), organisations.nodes);
  options(field("service"), services.nodes, (s) => `${s.name} (${s.organisation?.name || "no organisation"})`);
  field("need").append(...needs.map((n) => el("option", { value: n.code }, n.label)));
}

// Shows the fields the chosen kind of change uses.
function showFields() {
  const kind = field("kind").value;
  for (const f of form.querySelectorAll(".field[data-for]")) f.hidden = !f.dataset.for.split(" ").includes(kind);
}

function chosenText(name) {
  const select = field(name);
  return select.selectedOptions[0] ? select.selectedOptions[0].textContent : "";
}

// The change the fieldset describes, as the API takes it, and in words.
function readChange() {
  const number = (name) => (field(name).value === "" ? null : Number(field(name).value));
  const timing = { startWeek: number("start") ?? 0, rampWeeks: number("ramp") ?? 0, endWeek: number("end") };
  const when = `from week ${timing.startWeek}${timing.rampWeeks ? `, full after ${timing.rampWeeks} weeks` : ""}${timing.endWeek !== null ? `, ending week ${timing.endWeek}` : ""}`;
  const place = field("ward").value ? { areaId: field("ward").value } : { pcnId: field("pcn").value };
  const placeText = field("ward").value ? chosenText("ward") : chosenText("pcn");
  switch (field("kind").value) {
    case "link-workers":
      return {
        input: { ...timing, gatewayStaff: { place: { pcnId: field("pcn").value }, kind: "SOCIAL_PRESCRIBING", staff: number("staff"), peoplePerYear: number("peoplePerYear") } },
        text: `${number("staff")} link workers in ${chosenText("pcn")}, ${when}`,
      };
    case "champions":
      return {
        input: { ...timing, gatewayStaff: { place: { areaId: field("ward").value || null }, kind: "COMMUNITY_HEALTH_CHAMPIONS", staff: number("staff"), peoplePerYear: number("peoplePerYear") } },
        text: `${number("staff")} Community Health Champions in ${chosenText("ward") || "(choose a ward)"}, each reaching ${number("peoplePerYear") ?? "?"} a year, ${when}`,
      };
    case "extra-demand":
      return {
        input: { ...timing, extraDemand: { place, need: field("need").value, perWeek: number("perWeek") } },
        text: `${number("perWeek")} more referrals a week for ${chosenText("need").toLowerCase()} from ${placeText}, ${when}`,
      };
    case "capacity":
      return {
        input: { ...timing, capacity: { serviceId: field("service").value, placesPerWeek: number("places") } },
        text: `${number("places")} places a week at ${chosenText("service")}, ${when}`,
      };
    default:
      return {
        input: { ...timing, funding: { organisationId: field("organisation").value, amount: String(Math.round((number("amount") || 0) * 100)) } },
        text: `${fmt.money(Math.round((number("amount") || 0) * 100))} to ${chosenText("organisation")}, ${when}`,
      };
  }
}

function drawChanges() {
  const list = document.getElementById("changes");
  list.replaceChildren(
    ...changes.map((c, i) =>
      el("li", {}, `${c.text} `, el("button", { type: "button", onclick: () => { changes.splice(i, 1); drawChanges(); } }, `Remove change ${i + 1}`)),
    ),
  );
  if (!changes.length) list.append(el("li", { class: "empty" }, "None yet: add one above (a scenario with none projects the baseline)."));
}

async function createAndRun(event) {
  event.preventDefault();
  status("Creating the scenario…");
  try {
    const created = await api.run(DOC, "CreateScenario", {
      input: {
        name: field("name").value,
        horizonWeeks: Number(field("horizon").value),
        replications: Number(field("replications").value),
        changes: changes.map((c) => c.input),
      },
    });
    status(`Running ${created.createScenario.name}…`);
    const run = await api.run(DOC, "RunScenario", { id: created.createScenario.id });
    history.pushState(null, "", `${window.location.pathname}?run=${encodeURIComponent(run.runScenario.id)}`);
    await Promise.all([showRun(run.runScenario.id), drawList()]);
  } catch (error) {
    status(`The scenario was not run: ${error.message} (${error.code})`, "error");
  }
}

// ---- the answer ----

function tiles(t) {
  const pair = (before, after, format) => `${format(before)} → ${format(after)}`;
  const items = [
    ["reached", "Services reached", fmt.count(t.servicesChanged), `of ${fmt.count(t.services)} projected`],
    ["over-capacity", "Over capacity", pair(t.before.servicesOverCapacity, t.after.servicesOverCapacity, fmt.count), "services, before → after"],
    ["first-week-over", "First week over", week(t.after.firstWeekOver), "after the changes"],
    ["peak-waiting", "Peak waiting lists", pair(t.before.peakWaitingList, t.after.peakWaitingList, fmt.count), "people, summed over services"],
    ["funding-needed", "Funding needed", pair(t.before.fundingNeeded, t.after.fundingNeeded, fmt.money), "to stay at the target utilisation"],
    ["added", "Extra referrals", fmt.count(t.added), `${fmt.count(t.routed)} placed, ${fmt.count(t.unabsorbed)} with nowhere to go`],
    ["staff-cost", "Staff cost", fmt.money(t.staffCost), "over the horizon"],
  ];
  const list = el(
    "dl",
    {},
    items.map(([key, label, value, note]) =>
      el("div", { class: "tile", "data-tile": key }, el("dt", {}, label), el("dd", { class: "figure-value" }, value), el("dd", { class: "note" }, note)),
    ),
  );
  document.getElementById("run-tiles").replaceChildren(list);
}

function services(rows, total) {
  const shown = rows.slice(0, CHART_SERVICES);
  const name = (r) => r.service?.name || r.newService || "";
  const chart = charts.barChart({
    title: "Utilisation before and after, by service",
    items: shown.map((r) => ({
      label: name(r),
      value: r.after.utilisation ?? 0,
      before: r.before.utilisation ?? 0,
      colour: charts.utilisationColour(r.after.utilisation, r.after.overCapacity),
      note: r.after.firstWeekOver !== null ? `▲ over from week ${r.after.firstWeekOver}` : "",
    })),
    format: fmt.percent,
    reference: 1,
    referenceLabel: "100% of capacity",
  });
  figure(document.getElementById("run-services"), {
    title: "Services before and after",
    caption: `The ${shown.length} services the changes reach first, of ${fmt.count(total)}: the bar is utilisation after the changes, the dark tick before; "over from week" is when a service first tips over capacity. The table lists them all with the band (10th–90th percentile) of their peak waiting list and wait.`,
    chart,
    rows,
    filename: "scenario-services",
    columns: [
      { label: "Service", key: name },
      { label: "Organisation", key: (r) => r.organisation?.name || "" },
      { label: "Ward", key: (r) => r.ward?.name || "" },
      { label: "Utilisation before", key: (r) => r.before.utilisation, numeric: true, format: fmt.percent },
      { label: "Utilisation after", key: (r) => r.after.utilisation, numeric: true, format: fmt.percent },
      { label: "Over from", key: (r) => r.after.firstWeekOver, numeric: true, format: week },
      { label: "Weeks over", key: (r) => r.after.weeksOver, numeric: true, format: fmt.count },
      { label: "Peak waiting before", key: (r) => r.before.peakWaitingList, numeric: true, format: fmt.places },
      { label: "Peak waiting after", key: (r) => r.after.peakWaitingList, numeric: true, format: fmt.places },
      { label: "Peak waiting band", key: (r) => r.peakWaitingBand, format: (b) => band(b, fmt.places), csv: (b) => (b ? `${b.p10}-${b.p90}` : "") },
      { label: "Peak wait (days) after", key: (r) => r.after.peakWaitDays, numeric: true, format: fmt.places },
      { label: "Peak wait band (days)", key: (r) => r.peakWaitDaysBand, format: (b) => band(b, fmt.places), csv: (b) => (b ? `${b.p10}-${b.p90}` : "") },
      { label: "Extra places needed", key: (r) => r.after.extraPlacesNeeded, numeric: true, format: fmt.places },
      { label: "Funding needed", key: (r) => r.after.fundingNeeded, numeric: true, format: fmt.money, csv: pounds },
    ],
  });
}

async function waiting(runId, rows) {
  const section = document.getElementById("run-waiting");
  const withService = rows.filter((r) => r.service);
  if (!withService.length) {
    figure(section, { title: "Waiting list week by week", rows: [], columns: [], empty: "No existing service is reached." });
    return;
  }
  const chosen = section.dataset.service && withService.find((r) => r.service.id === section.dataset.service) ? section.dataset.service : withService[0].service.id;
  section.dataset.service = chosen;
  const data = await api.run(DOC, "ScenarioRunSeries", { id: runId, serviceId: chosen });
  const weeks = data.scenarioRun.series;
  const row = withService.find((r) => r.service.id === chosen);
  const chart = charts.lineChart({
    title: `Waiting list at ${row.service.name}, week by week`,
    xs: weeks.map((w) => String(w.week)),
    series: [
      { label: "After the changes (mean)", values: weeks.map((w) => w.waitingAfter), colour: "#a4470b" },
      { label: "Before", values: weeks.map((w) => w.waitingBefore), colour: "#215ca0", dash: "6 4" },
    ],
    band: { low: weeks.map((w) => w.waitingBand?.p10 ?? w.waitingAfter), high: weeks.map((w) => w.waitingBand?.p90 ?? w.waitingAfter), colour: "#f1a85a", label: "10th–90th percentile after" },
    format: (v) => fmt.count(v),
    yLabel: "people waiting",
  });
  figure(section, {
    title: "Waiting list week by week",
    caption: `${row.service.name}: the mean projection before and after the changes, and the band in which 80% of the drawn futures fall. Weeks count from 0, the first week ahead.`,
    chart,
    rows: weeks,
    filename: "scenario-waiting-list",
    columns: [
      { label: "Week", key: "week", numeric: true },
      { label: "Arrivals before", key: "arrivalsBefore", numeric: true, format: fmt.places },
      { label: "Arrivals after", key: "arrivalsAfter", numeric: true, format: fmt.places },
      { label: "Capacity after", key: "capacityAfter", numeric: true, format: fmt.places },
      { label: "Waiting before", key: "waitingBefore", numeric: true, format: fmt.places },
      { label: "Waiting after", key: "waitingAfter", numeric: true, format: fmt.places },
      { label: "Waiting after, 10th percentile", key: (w) => w.waitingBand?.p10, numeric: true, format: fmt.places },
      { label: "Waiting after, 90th percentile", key: (w) => w.waitingBand?.p90, numeric: true, format: fmt.places },
      { label: "Wait after (days)", key: "waitDaysAfter", numeric: true, format: fmt.places },
    ],
  });
  const id = "run-waiting-service";
  const picker = el(
    "div",
    { class: "inline" },
    el("label", { for: id }, "Service"),
    el(
      "select",
      { id, onchange: (e) => { section.dataset.service = e.target.value; waiting(runId, rows); } },
      withService.map((r) => el("option", { value: r.service.id, selected: r.service.id === chosen }, r.service.name)),
    ),
  );
  section.querySelector("h2").after(picker);
}

function funding(groups) {
  const rows = groups.nodes.filter((g) => Number(g.after.fundingNeeded) > 0).sort((a, b) => Number(b.after.fundingNeeded) - Number(a.after.fundingNeeded));
  const chart = charts.barChart({
    title: "Funding needed by organisation",
    items: rows.slice(0, 15).map((g) => ({ label: g.label, value: pounds(g.after.fundingNeeded), before: pounds(g.before.fundingNeeded), colour: "#f1a85a" })),
    format: (v) => fmt.money(v * 100),
  });
  figure(document.getElementById("run-funding"), {
    title: "Funding needed",
    caption: "What it would take, at each service's unit cost, to keep its services at the target utilisation and clear the backlog, by organisation: the bar after the changes, the tick before.",
    chart,
    rows,
    filename: "scenario-funding-needed",
    empty: "No organisation would need more funding.",
    columns: [
      { label: "Organisation", key: "label" },
      { label: "Services reached", key: "servicesChanged", numeric: true, format: fmt.count },
      { label: "Funding needed before", key: (g) => g.before.fundingNeeded, numeric: true, format: fmt.money, csv: pounds },
      { label: "Funding needed after", key: (g) => g.after.fundingNeeded, numeric: true, format: fmt.money, csv: pounds },
      { label: "Over capacity after", key: (g) => g.after.servicesOverCapacity, numeric: true, format: fmt.count },
    ],
  });
}

function unabsorbed(connection) {
  const rows = connection.nodes;
  const label = (r) => `${r.ward?.name || "Unknown ward"} · ${needLabel(r.need)}`;
  const chart = charts.barChart({
    title: "Demand nothing can absorb",
    items: rows.slice(0, 15).map((r) => ({ label: label(r), value: r.referrals, colour: "#a4470b" })),
    format: (v) => fmt.places(v),
  });
  figure(document.getElementById("run-unabsorbed"), {
    title: "Demand nothing can absorb",
    caption: "Extra referrals over the horizon that no service within reach could take, by ward, need and why: reported, never dropped.",
    chart,
    rows,
    filename: "scenario-unabsorbed",
    empty: "Every extra referral has somewhere to go.",
    columns: [
      { label: "Ward and need", key: label },
      { label: "Why", key: "reason", format: fmt.codeLabel },
      { label: "Missing", key: (r) => (r.missingCapability ? `${fmt.codeLabel(r.missingCapability.kind)}: ${r.missingCapability.code}` : "") },
      { label: "Referrals", key: "referrals", numeric: true, format: fmt.places },
      { label: "Peak a week", key: "peakPerWeek", numeric: true, format: fmt.places },
    ],
  });
}

function assumptions(run) {
  figure(document.getElementById("run-assumptions"), {
    title: "Assumptions and their sources",
    caption: "Every figure the run took as given. Override any of them through the API.",
    chart: null,
    rows: run.assumptions,
    filename: "scenario-assumptions",
    columns: [
      { label: "Assumption", key: "name" },
      { label: "Value", key: "value", numeric: true, format: (v) => fmt.places(v) },
      { label: "Unit", key: "unit" },
      { label: "Source", key: "source" },
    ],
  });
}

async function showRun(runId) {
  status("Reading the run…");
  const [summary, rows, groups, lost] = await Promise.all([
    api.run(DOC, "ScenarioRunSummary", { id: runId }),
    api.runAll(DOC, "ScenarioRunServices", { id: runId }, ["scenarioRun", "services"]),
    api.run(DOC, "ScenarioRunGroups", { id: runId, by: "ORGANISATION" }),
    api.run(DOC, "ScenarioRunUnabsorbed", { id: runId }),
  ]);
  const run = summary.scenarioRun;
  document.getElementById("run").hidden = false;
  document.getElementById("run-title").textContent = `The answer: ${run.scenario?.name || "a scenario"}`;
  document.getElementById("run-scope").textContent =
    `Baseline ${fmt.windowText(run.baselineFrom, run.baselineTo)} · ${run.horizonWeeks} weeks ahead · data as of ${run.dataAsOf || fmt.MISSING} · ` +
    `run at ${run.ranAt.slice(0, 16).replace("T", " ")} by ${run.ranBy} in ${fmt.count(run.elapsedMs)} ms · changes: ${(run.scenario?.changes || []).map((c) => c.summary).join("; ") || "none"}`;
  tiles(run.totals);
  services(rows.nodes, rows.data.scenarioRun.services.totalCount);
  funding(groups.scenarioRun.groups);
  unabsorbed(lost.scenarioRun.unabsorbed);
  assumptions(run);
  await waiting(runId, rows.nodes);
  document.body.dataset.run = runId;
  status(`Run read at ${fmt.time(new Date())}.`);
}

// ---- scenarios, and comparing them ----

async function drawList() {
  const data = await api.run(DOC, "ScenarioList");
  const rows = data.scenarios.nodes;
  const body = document.getElementById("list-body");
  if (!rows.length) {
    body.replaceChildren(el("p", { class: "empty" }, "No scenario yet."));
    return;
  }
  const open = (s) => async () => {
    history.pushState(null, "", `${window.location.pathname}?run=${encodeURIComponent(s.latestRun.id)}`);
    await showRun(s.latestRun.id);
    document.getElementById("run").scrollIntoView();
  };
  body.replaceChildren(
    el(
      "div",
      { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Scenarios" },
      el(
        "table",
        {},
        el("thead", {}, el("tr", {}, ["Scenario", "Compare", "Owner", "Changes", "Latest run", "Over capacity", "Nowhere to go", ""].map((h) => el("th", { scope: "col" }, h)))),
        el(
          "tbody",
          {},
          rows.map((s) => {
            const r = s.latestRun;
            const id = `compare-${s.id}`;
            return el(
              "tr",
              {},
              el("th", { scope: "row" }, s.name),
              el("td", {}, el("input", { type: "checkbox", id, name: "compare", value: s.id }), el("label", { for: id, class: "visually-hidden" }, `Compare ${s.name}`)),
              el("td", {}, s.owner),
              el("td", {}, s.changes.map((c) => c.summary).join("; ") || "none"),
              el("td", {}, r ? r.ranAt.slice(0, 16).replace("T", " ") : "never run"),
              el("td", { class: "num" }, r ? `${fmt.count(r.totals.before.servicesOverCapacity)} → ${fmt.count(r.totals.after.servicesOverCapacity)}` : fmt.MISSING),
              el("td", { class: "num" }, r ? fmt.places(r.totals.unabsorbed) : fmt.MISSING),
              el("td", {}, r ? el("button", { type: "button", onclick: open(s) }, `Open ${s.name}`) : ""),
            );
          }),
        ),
      ),
    ),
  );
}

async function compare() {
  const ids = [...document.querySelectorAll("input[name=compare]:checked")].map((i) => i.value);
  if (!ids.length) {
    status("Tick the scenarios to compare first.", "error");
    return;
  }
  try {
    const data = await api.run(DOC, "CompareScenarios", { ids });
    const holder = el("section", { id: "comparison", class: "figure" });
    document.getElementById("compare-body").replaceChildren(holder);
    const rows = data.compareScenarios.filter((c) => c.run);
    const baseline = rows.length ? { scenario: { name: "Baseline (no change)" }, run: { totals: { ...rows[0].run.totals, after: rows[0].run.totals.before, servicesChanged: 0, added: 0, unabsorbed: 0, staffCost: "0" } } } : null;
    figure(holder, {
      title: "Scenarios side by side",
      caption: "Each scenario's latest run after its changes, with the baseline first.",
      chart: null,
      rows: baseline ? [baseline, ...rows] : [],
      filename: "scenarios-compared",
      empty: "None of them has been run.",
      columns: [
        { label: "Scenario", key: (c) => c.scenario?.name || "" },
        { label: "Services reached", key: (c) => c.run.totals.servicesChanged, numeric: true, format: fmt.count },
        { label: "Extra referrals", key: (c) => c.run.totals.added, numeric: true, format: fmt.count },
        { label: "Nowhere to go", key: (c) => c.run.totals.unabsorbed, numeric: true, format: fmt.places },
        { label: "Over capacity", key: (c) => c.run.totals.after.servicesOverCapacity, numeric: true, format: fmt.count },
        { label: "First week over", key: (c) => c.run.totals.after.firstWeekOver, numeric: true, format: week },
        { label: "Peak waiting lists", key: (c) => c.run.totals.after.peakWaitingList, numeric: true, format: fmt.count },
        { label: "Funding needed", key: (c) => c.run.totals.after.fundingNeeded, numeric: true, format: fmt.money, csv: pounds },
        { label: "Staff cost", key: (c) => c.run.totals.staffCost, numeric: true, format: fmt.money, csv: pounds },
      ],
    });
    status(`Compared ${ids.length} scenarios.`);
  } catch (error) {
    status(`Could not compare them: ${error.message} (${error.code})`, "error");
  }
}

start("scenario", async (viewer) => {
  if (!["COMMISSIONER", "ADMIN"].includes(viewer.role)) {
    document.getElementById("build").hidden = true;
    document.getElementById("list").hidden = true;
    status("Scenarios are for commissioners and admins: this key's role cannot see them.", "error");
    drawn();
    return;
  }
  await fillChoices();
  showFields();
  drawChanges();
  field("kind").addEventListener("change", showFields);
  document.getElementById("add-change").addEventListener("click", () => {
    changes.push(readChange());
    drawChanges();
    status(`Added: ${changes[changes.length - 1].text}.`);
  });
  form.addEventListener("submit", createAndRun);
  document.getElementById("compare").addEventListener("click", compare);
  await drawList();
  const run = new URLSearchParams(window.location.search).get("run");
  if (run) await showRun(run);
  window.addEventListener("popstate", () => {
    const next = new URLSearchParams(window.location.search).get("run");
    if (next) showRun(next);
  });
  drawn();
});
