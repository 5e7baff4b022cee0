// The link worker page: the find-services form, ranked results that
// explain themselves, "nothing fits" recorded for commissioners, a
// referral made in two steps (created, then sent to the chosen service),
// and its events followed live.

import * as api from "./lib/api.js";
import { el } from "./lib/dom.js";
import * as fmt from "./lib/format.js";
import { subscribe } from "./lib/live.js";
import { drawn, start, status } from "./lib/shell.js";

const DOC = "link-worker";
const form = document.getElementById("search");
let lastSearch = null;
let unfollow = null;

function fillForm(needs, vocabulary, wards) {
  const needBoxes = document.getElementById("s-needs");
  for (const n of needs) {
    const id = `need-${n.code}`;
    needBoxes.append(el("span", { class: "choice" }, el("input", { type: "checkbox", id, name: "need", value: n.code }), el("label", { for: id }, n.label)));
  }
  document.getElementById("s-ward").append(...wards.map((w) => el("option", { value: w.id }, w.name)));
  const byKind = new Map();
  for (const c of vocabulary) byKind.set(c.kind, [...(byKind.get(c.kind) || []), c]);
  const holder = document.getElementById("s-capabilities");
  for (const [kind, caps] of byKind) {
    holder.append(
      el(
        "fieldset",
        { class: "choices" },
        el("legend", {}, fmt.codeLabel(kind)),
        caps.map((c) => {
          const id = `cap-${c.kind}-${c.code}`;
          return el("span", { class: "choice" }, el("input", { type: "checkbox", id, name: "capability", value: `${c.kind}:${c.code}` }), el("label", { for: id }, c.label));
        }),
      ),
    );
  }
}

function searchInput() {
  const f = form.elements;
  const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
  return {
    needs: checked("need"),
    residenceWardId: f.namedItem("ward").value,
    ageBand: f.namedItem("ageBand").value || null,
    language: f.namedItem("language").value.trim() || null,
    requiredCapabilities: checked("capability").map((v) => {
      const [kind, code] = v.split(":");
      return { kind, code };
    }),
    maxDistanceKm: Number(f.namedItem("distance").value || 5),
    includeFull: f.namedItem("includeFull").checked,
  };
}

function explain(m) {
  const parts = [
    `meets ${m.needsMet.map(fmt.codeLabel).join(", ").toLowerCase()}`,
    m.capabilitiesMatched.length ? `offers ${m.capabilitiesMatched.map((c) => c.label).join(", ")}` : null,
    m.capabilitiesMissing.length ? `lacks ${m.capabilitiesMissing.map((c) => c.label).join(", ")} (preferred)` : null,
    `${fmt.places(m.distanceKm)} km away`,
    m.hasRoom ? `has room (${fmt.places(m.headroom)} places a week free)` : "no room now",
    m.utilisation === null ? null : `${fmt.percent(m.utilisation)} used over the last four weeks`,
    m.typicalWaitDays === null ? null : `typical wait ${fmt.count(m.typicalWaitDays)} days`,
    m.status ? `${fmt.codeLabel(m.status).toLowerCase()}, confirmed ${fmt.count(m.daysSinceConfirmed)} days ago${m.stale ? " (stale)" : ""}` : "status never confirmed",
  ];
  return parts.filter(Boolean).join("; ");
}

function showMatches(search) {
  const list = document.getElementById("matches");
  list.replaceChildren(
    ...search.matches.map((m) =>
      el(
        "li",
        { class: "match" },
        el("h3", {}, m.service.name),
        el("p", { class: "quiet" }, [m.service.organisation?.name, m.service.location?.name, m.service.location?.postcode].filter(Boolean).join(" · ")),
        el("p", {}, el("strong", {}, `Score ${fmt.percent(m.score)}: `), explain(m)),
        el("button", { type: "button", "data-service": m.service.id, onclick: () => refer(m.service) }, `Refer to ${m.service.name}`),
      ),
    ),
  );
  document.getElementById("results-summary").textContent =
    `${fmt.count(search.nearby)} services nearby address these needs; ${fmt.count(search.eligible)} meet every requirement; ${fmt.count(search.withRoom)} have room now.`;
  const none = document.getElementById("nothing-fits");
  if (search.nothingFits) {
    const lacking = search.nothingFits.missingCapabilities.map((c) => c.capability.label);
    none.replaceChildren(
      el(
        "div",
        { class: "notice" },
        el("p", {}, el("strong", {}, "Nothing fits: "), search.nothingFits.explanation),
        lacking.length ? el("p", {}, `Missing nearby: ${lacking.join(", ")}.`) : null,
        el("button", { type: "button", onclick: recordNoFit }, "Record that nothing fits"),
        el("p", { id: "no-fit-recorded" }),
      ),
    );
  } else {
    none.replaceChildren();
  }
  document.getElementById("results").hidden = false;
}

async function find(event) {
  event.preventDefault();
  const input = searchInput();
  if (!input.needs.length) {
    status("Choose at least one need.", "error");
    return;
  }
  status("Searching…");
  performance.mark("headroom:search-start");
  try {
    const data = await api.run(DOC, "FindServices", { input });
    lastSearch = input;
    showMatches(data.findServices);
    performance.measure("headroom:search", "headroom:search-start");
    status(`${data.findServices.matches.length} services listed at ${fmt.time(new Date())}.`);
  } catch (error) {
    status(`The search failed: ${error.message} (${error.code})`, "error");
  }
}

async function recordNoFit() {
  try {
    const data = await api.run(DOC, "RecordNoFit", { input: { search: lastSearch } });
    const entries = data.recordNoFit.entries.map((e) => `${fmt.codeLabel(e.need)} in ${e.area?.name || "the area"}`);
    document.getElementById("no-fit-recorded").textContent = `Recorded on the unmet-needs register: ${entries.join("; ")}. Commissioners see it on their overview.`;
    status("Recorded that nothing fits.");
  } catch (error) {
    status(`Could not record it: ${error.message} (${error.code})`, "error");
  }
}

function eventItem(e) {
  const what = [
    fmt.codeLabel(e.toState),
    e.service ? `at ${e.service.name}` : null,
    e.reason ? `(${fmt.codeLabel(e.reason).toLowerCase()})` : null,
    e.actorRole ? `by a ${fmt.codeLabel(e.actorRole).toLowerCase()}` : null,
  ];
  return el("li", { "data-state": e.toState }, el("time", { datetime: e.occurredAt }, e.occurredAt.slice(0, 16).replace("T", " ")), " ", what.filter(Boolean).join(" "));
}

async function follow(referral) {
  if (unfollow) unfollow();
  const section = document.getElementById("following");
  section.hidden = false;
  const list = document.getElementById("events");
  const history = await api.run(DOC, "ReferralHistory", { id: referral.id });
  const seen = new Set();
  list.replaceChildren();
  const add = (e) => {
    if (seen.has(e.id)) return;
    seen.add(e.id);
    list.append(eventItem(e));
  };
  history.node.events.forEach(add);
  document.getElementById("following-summary").textContent =
    `${referral.reference}, sent to ${referral.service?.name || "a service"}. Its events appear here as they happen.`;
  const query = await api.operation(DOC, "ReferralEvents");
  unfollow = subscribe(query, { referralId: referral.id }, {
    onLive: () => (document.body.dataset.following = referral.id),
    onData: (data) => add(data.referralEvents),
    onEnd: (reason) => status(`Live updates stopped: ${reason}.`, "error"),
  });
  section.scrollIntoView();
}

async function refer(service) {
  const reference = form.elements.namedItem("reference").value.trim();
  if (!reference) {
    status("Give your reference for the person first (never a name).", "error");
    form.elements.namedItem("reference").focus();
    return;
  }
  const input = lastSearch;
  if (!input.ageBand) {
    status("Choose the person's age band and search again: a referral records it.", "error");
    form.elements.namedItem("ageBand").focus();
    return;
  }
  status(`Referring ${reference} to ${service.name}…`);
  try {
    const created = await api.run(DOC, "CreateReferral", {
      input: {
        reference,
        ageBand: input.ageBand,
        residenceWardId: input.residenceWardId,
        preferredLanguage: input.language,
        needs: input.needs,
        idempotencyKey: crypto.randomUUID(),
      },
    });
    const referral = created.createReferral.referral;
    const sent = await api.run(DOC, "SendReferral", {
      input: { referralId: referral.id, version: referral.version, to: "SENT", serviceId: service.id, idempotencyKey: crypto.randomUUID() },
    });
    status(`${reference} was sent to ${service.name}.`);
    await follow(sent.moveReferral.referral);
  } catch (error) {
    status(`The referral was not made: ${error.message} (${error.code})`, "error");
  }
}

start("link-worker", async (viewer) => {
  const [choices, wards] = await Promise.all([api.run(DOC, "LinkWorkerChoices"), api.runAll(DOC, "LinkWorkerWards", {}, ["areas"])]);
  fillForm(choices.needs, choices.capabilityVocabulary, wards.nodes);
  form.addEventListener("submit", find);
  if (!viewer.gateway) status("This key acts for no gateway: you can search, but referrals need a link worker's key.");
  drawn();
});
