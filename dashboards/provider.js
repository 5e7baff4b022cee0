// The provider page: the services of the key's organisation with their
// status and capacity (each kept current in two clicks), the referrals
// sent to them (accept, wait-list, decline with a reason), live, and the
// unpaid work the organisation records.

import * as api from "./lib/api.js";
import { el, select, table } from "./lib/dom.js";
import * as fmt from "./lib/format.js";
import { subscribe } from "./lib/live.js";
import { drawn, start, status } from "./lib/shell.js";

const DOC = "provider";
const STATUSES = ["OPEN", "LIMITED", "FULL", "PAUSED", "CLOSED"].map((s) => [s, fmt.codeLabel(s)]);
const REASONS = [
  ["CAPACITY", "No capacity"],
  ["CAPABILITY", "Cannot meet a need (language, access…)"],
  ["ELIGIBILITY", "Not eligible"],
  ["PERSON_DECLINED", "The person declined"],
  ["OTHER", "Other"],
];

let organisation = null;

// Runs a change, says what happened, and redraws what it touched.
async function change(what, operation, input, redraw) {
  status(`${what}…`);
  try {
    await api.run(DOC, operation, { input });
    status(`${what}: done at ${fmt.time(new Date())}.`);
    await redraw();
  } catch (error) {
    status(`${what}: ${error.message} (${error.code})`, "error");
  }
}

function statusCell(s) {
  if (!s.status) return "Never confirmed";
  const age = `${fmt.count(s.status.daysSinceConfirmed)} days ago`;
  return `${fmt.codeLabel(s.status.status)}, confirmed ${age}${s.status.stale ? " (stale)" : ""}`;
}

function capacityCell(s) {
  const c = s.capacity;
  if (!c) return "None recorded";
  const parts = [];
  if (c.placesPerWeek !== null) parts.push(`${c.placesPerWeek} places a week`);
  if (c.caseloadMax !== null) parts.push(`caseload of ${c.caseloadMax}`);
  return `${parts.join(", ") || "none"} from ${c.validFrom}`;
}

function statusForm(s) {
  const id = `status-${s.id}`;
  return el(
    "form",
    {
      class: "inline",
      onsubmit: (e) => {
        e.preventDefault();
        const value = e.target.elements.namedItem("status").value;
        change(`Status of ${s.name}`, "ConfirmStatus", { serviceId: s.id, status: value }, drawServices);
      },
    },
    el("label", { for: id, class: "visually-hidden" }, `Status of ${s.name}`),
    select({ id, name: "status" }, STATUSES, s.status ? s.status.status : "OPEN"),
    el("button", { type: "submit" }, "Confirm status"),
  );
}

function capacityForm(s) {
  const places = `places-${s.id}`;
  const caseload = `caseload-${s.id}`;
  const c = s.capacity || {};
  return el(
    "form",
    {
      class: "inline",
      onsubmit: (e) => {
        e.preventDefault();
        const f = e.target.elements;
        const number = (name) => (f.namedItem(name).value === "" ? null : Number(f.namedItem(name).value));
        change(
          `Capacity of ${s.name}`,
          "RecordCapacity",
          { serviceId: s.id, placesPerWeek: number("places"), caseloadMax: number("caseload") },
          drawServices,
        );
      },
    },
    el("label", { for: places }, "Places a week"),
    el("input", { id: places, name: "places", type: "number", min: 0, step: 1, value: c.placesPerWeek ?? "", class: "short" }),
    el("label", { for: caseload }, "Caseload"),
    el("input", { id: caseload, name: "caseload", type: "number", min: 0, step: 1, value: c.caseloadMax ?? "", class: "short" }),
    el("button", { type: "submit" }, "Record capacity"),
  );
}

async function drawServices() {
  const data = await api.run(DOC, "ProviderServices");
  organisation = data.viewer.organisation;
  const body = document.getElementById("services-body");
  if (!organisation) {
    body.replaceChildren(el("p", { class: "empty" }, "This page is for a provider's key: it shows the services of the organisation the key acts for."));
    return;
  }
  document.getElementById("title").textContent = `My services: ${organisation.name}`;
  const services = organisation.services;
  body.replaceChildren(
    el(
      "div",
      { class: "table-scroll open", tabindex: 0, role: "region", "aria-label": "Services" },
      table(
        ["Service", "Needs", "Status", "Capacity", "Confirm the status", "Record capacity"],
        services,
        (s) => [s.name, s.needs.map(fmt.codeLabel).join(", "), statusCell(s), capacityCell(s), statusForm(s), capacityForm(s)],
      ),
    ),
  );
  const choice = document.getElementById("c-service");
  choice.replaceChildren(el("option", { value: "" }, "The organisation as a whole"), ...services.map((s) => el("option", { value: s.id }, s.name)));
}

function move(referral, to, extra = {}) {
  const verb = { ACCEPTED: "Accepting", WAIT_LISTED: "Wait-listing", DECLINED: "Declining" }[to];
  return change(`${verb} ${referral.reference}`, "MoveReferral", { referralId: referral.id, version: referral.version, to, ...extra }, drawReferrals);
}

function answers(referral, withWaitList) {
  const reason = `reason-${referral.id}`;
  return el(
    "div",
    { class: "inline" },
    el("button", { type: "button", onclick: () => move(referral, "ACCEPTED") }, "Accept"),
    withWaitList ? el("button", { type: "button", onclick: () => move(referral, "WAIT_LISTED") }, "Wait-list") : null,
    el("label", { for: reason, class: "visually-hidden" }, `Why ${referral.reference} is declined`),
    select({ id: reason }, REASONS, "CAPACITY"),
    el(
      "button",
      { type: "button", onclick: () => move(referral, "DECLINED", { reason: document.getElementById(reason).value }) },
      "Decline",
    ),
  );
}

function referralTable(connection, withWaitList, empty) {
  if (!connection.nodes.length) return el("p", { class: "empty" }, empty);
  return el(
    "div",
    { class: "table-scroll open", tabindex: 0, role: "region", "aria-label": empty },
    table(
      ["Reference", "Service", "Needs", "Age", "Language", "Lives in", "Received", "Answer"],
      connection.nodes,
      (r) => [
        r.reference,
        r.service?.name || "",
        r.needs.map(fmt.codeLabel).join(", "),
        fmt.codeLabel(r.ageBand).replace("From ", "").replace(" to ", "–"),
        r.preferredLanguage?.name || "English",
        r.residenceWard?.name || "",
        r.receivedAt.slice(0, 10),
        answers(r, withWaitList),
      ],
    ),
  );
}

async function drawReferrals() {
  if (!organisation) return;
  const [sent, waiting] = await Promise.all([
    api.run(DOC, "ProviderReferrals", { state: "SENT" }),
    api.run(DOC, "ProviderReferrals", { state: "WAIT_LISTED" }),
  ]);
  document.getElementById("incoming-body").replaceChildren(referralTable(sent.referrals, true, "No referral is waiting for an answer."));
  document.getElementById("waiting-body").replaceChildren(referralTable(waiting.referrals, false, "Nobody is on your waiting list."));
  document.body.dataset.referrals = String(sent.referrals.totalCount);
}

async function drawContributions() {
  if (!organisation) return;
  const data = await api.run(DOC, "ProviderContributions");
  const rows = data.viewer.organisation.contributions.slice().sort((a, b) => b.periodEnd.localeCompare(a.periodEnd)).slice(0, 20);
  document.getElementById("contributions-body").replaceChildren(
    rows.length
      ? el(
          "div",
          { class: "table-scroll open", tabindex: 0, role: "region", "aria-label": "Work recorded" },
          table(["Kind", "Hours", "From", "To", "Service", "Note"], rows, (c) => [
            fmt.codeLabel(c.kind),
            fmt.places(c.hours),
            c.periodStart,
            c.periodEnd,
            c.service?.name || "",
            c.note || "",
          ], "The latest work recorded"),
        )
      : el("p", { class: "empty" }, "No work recorded yet."),
  );
}

function contributionForm() {
  const form = document.getElementById("contribution-form");
  const today = fmt.isoDay(new Date());
  form.elements.namedItem("periodStart").value = fmt.addDays(today, -6);
  form.elements.namedItem("periodEnd").value = today;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = form.elements;
    const value = (name) => f.namedItem(name).value || null;
    change(
      "Recording the work",
      "RecordContribution",
      {
        organisationId: organisation.id,
        serviceId: value("serviceId"),
        kind: value("kind"),
        hours: Number(value("hours")),
        periodStart: value("periodStart"),
        periodEnd: value("periodEnd"),
        note: value("note"),
      },
      drawContributions,
    );
  });
}

// New events on the organisation's services redraw the referrals.
async function follow() {
  const query = await api.operation(DOC, "ProviderEvents");
  let pending = null;
  subscribe(query, {}, {
    onLive: () => (document.body.dataset.live = "true"),
    onData: () => {
      clearTimeout(pending);
      pending = setTimeout(drawReferrals, 150);
    },
    onEnd: (reason) => {
      document.body.dataset.live = "false";
      status(`Live updates stopped: ${reason}. Reload the page to resume.`, "error");
    },
  });
}

start("provider", async () => {
  await drawServices();
  if (!organisation) {
    for (const id of ["incoming", "waiting", "contributions"]) document.getElementById(id).hidden = true;
    drawn();
    return;
  }
  contributionForm();
  await Promise.all([drawReferrals(), drawContributions()]);
  await follow();
  document.getElementById("scope").textContent = `Read at ${fmt.time(new Date())}; referrals update live.`;
  drawn();
});
