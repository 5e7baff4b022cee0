// The list of dashboards, each with what it is for.

import { PAGES, start } from "./lib/shell.js";

const PURPOSE = {
  overview: "Load, headroom, funding gaps, uncommissioned work and unmet needs by area, need, gateway and window.",
  scenario: "What if we add this gateway? Build and run scenarios, see services tip over capacity, waiting lists with their bands, funding needed; compare them.",
  "link-worker": "Find a service with room that fits a person, refer into it and follow the referral live.",
  provider: "Keep your services' status and capacity current, answer referrals, record unpaid work.",
};

start("", () => {
  const list = document.getElementById("pages");
  for (const page of PAGES) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `/dashboards/${page.name}`;
    a.textContent = page.label;
    const p = document.createElement("p");
    p.textContent = PURPOSE[page.name] || "";
    li.append(a, p);
    list.append(li);
  }
});
