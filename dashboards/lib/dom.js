// Building the page: `el("button", { type: "button" }, "Accept")`.

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) e.addEventListener(name.slice(2), value);
    else e.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    e.append(child instanceof Node ? child : String(child));
  }
  return e;
}

// A select of `[value, label]` pairs with `selected` chosen.
export function select(attrs, choices, selected) {
  return el(
    "select",
    attrs,
    choices.map(([value, label]) => el("option", { value, selected: value === selected }, label)),
  );
}

// A table with a header row and one row per item; `cells(item)` gives the
// row's cells (text or nodes), the first being the row's header.
export function table(headers, items, cells, caption) {
  return el(
    "table",
    {},
    caption ? el("caption", {}, caption) : null,
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
    el(
      "tbody",
      {},
      items.map((item) => el("tr", {}, cells(item).map((c, i) => (i === 0 ? el("th", { scope: "row" }, c) : el("td", {}, c))))),
    ),
  );
}
