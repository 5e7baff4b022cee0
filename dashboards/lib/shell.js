// What every dashboard page shares: the bar across the top (the pages, the
// key and the role it acts as), the status line, and starting the page
// once a key that works is in hand.

import * as api from "./api.js";
import { el } from "./dom.js";
import { codeLabel } from "./format.js";

export const PAGES = [
  { name: "overview", label: "Commissioner overview" },
  { name: "scenario", label: "Scenarios" },
  { name: "link-worker", label: "Find a service" },
  { name: "provider", label: "Provider" },
];

function masthead(current) {
  const header = el("header", { class: "masthead" });
  const home = el("a", { href: "/dashboards/", class: "brand" }, "Headroom");
  const nav = el("nav", { "aria-label": "Dashboards" });
  const list = el("ul");
  for (const page of PAGES) {
    const a = el("a", { href: `/dashboards/${page.name}` }, page.label);
    if (page.name === current) a.setAttribute("aria-current", "page");
    const li = el("li");
    li.append(a);
    list.append(li);
  }
  const explorer = el("li");
  explorer.append(el("a", { href: "/" }, "API explorer"));
  list.append(explorer);
  nav.append(list);
  const who = el("div", { class: "who" });
  header.append(home, nav, who);
  return { header, who };
}

function keyForm(onKey, message) {
  const form = el("form", { class: "key-form", autocomplete: "off" });
  const label = el("label", { for: "api-key" }, "API key");
  const input = el("input", { id: "api-key", name: "key", type: "password", autocomplete: "off", spellcheck: "false", "aria-describedby": "key-help" });
  const submit = el("button", { type: "submit" }, "Use key");
  const help = el("p", { id: "key-help", class: "quiet" }, message);
  form.append(label, input, submit, help);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!input.value.trim()) return;
    api.setKey(input.value);
    onKey();
  });
  return form;
}

// Marks the page drawn: `data-drawn` counts its drawings (the tests wait
// on it) and the `headroom:drawn` mark times it from navigation (the
// benchmark reads it).
export function drawn() {
  document.body.dataset.drawn = String(Number(document.body.dataset.drawn || 0) + 1);
  performance.mark("headroom:drawn");
}

// Shows `text` in the page's status line (read out by screen readers).
export function status(text, kind = "info") {
  const line = document.getElementById("status");
  line.textContent = text;
  line.dataset.kind = kind;
}

// Starts a page: asks for a key until one works, then calls
// `ready(viewer)` with the key's role and what it acts for.
export function start(current, ready) {
  const { header, who } = masthead(current);
  document.body.prepend(header);
  const main = document.querySelector("main");
  const gate = el("section", { class: "gate", "aria-labelledby": "gate-title" });

  async function attempt() {
    if (!api.key()) {
      ask("Paste a key that `headroom serve --demo` or `headroom keys create` printed. It stays in this tab only.");
      return;
    }
    try {
      const data = await api.run("shell", "Viewer");
      gate.remove();
      main.hidden = false;
      who.replaceChildren();
      const role = el("span", { class: "role" }, `Signed in as ${codeLabel(data.viewer.role).toLowerCase()}`);
      const forget = el("button", { type: "button" }, "Forget key");
      forget.addEventListener("click", () => {
        api.forgetKey();
        window.location.reload();
      });
      who.append(role, forget);
      await ready(data.viewer);
    } catch (error) {
      if (error.code === "UNAUTHENTICATED") {
        api.forgetKey();
        ask(`That key did not work: ${error.message}`);
      } else {
        status(`Could not load the page: ${error.message} (${error.code})`, "error");
      }
    }
  }

  function ask(message) {
    main.hidden = true;
    gate.replaceChildren(el("h1", { id: "gate-title" }, "Use your API key"), keyForm(attempt, message));
    if (!gate.isConnected) main.before(gate);
    gate.querySelector("input").focus();
  }

  attempt();
}
