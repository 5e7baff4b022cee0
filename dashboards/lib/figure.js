// A figure: a heading, what it shows, its chart, and the table behind the
// chart (the chart's text alternative), with the table as CSV and the
// chart as SVG to download.

// `columns`: [{ key, label, format, numeric }] where `key` reads a row
// (a property name or a function) and `format` turns it into text.
function valueOf(column, row) {
  return typeof column.key === "function" ? column.key(row) : row[column.key];
}

function textOf(column, row) {
  const value = valueOf(column, row);
  return column.format ? column.format(value, row) : value === null || value === undefined ? "" : String(value);
}

export function table(columns, rows, caption) {
  const t = document.createElement("table");
  if (caption) t.createCaption().textContent = caption;
  const head = t.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c.label;
    if (c.numeric) th.className = "num";
    head.append(th);
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    columns.forEach((c, i) => {
      const cell = i === 0 ? document.createElement("th") : document.createElement("td");
      if (i === 0) cell.scope = "row";
      cell.textContent = textOf(c, row);
      if (c.numeric) cell.className = "num";
      tr.append(cell);
    });
  }
  return t;
}

function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// The CSV of a table: the raw values (`csv`, or the value itself), not the
// formatted text, so a spreadsheet reads numbers.
export function csv(columns, rows) {
  const lines = [columns.map((c) => csvField(c.label)).join(",")];
  for (const row of rows) {
    lines.push(columns.map((c) => csvField(c.csv ? c.csv(valueOf(c, row), row) : valueOf(c, row))).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

export function download(filename, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

// Fills `section` (which keeps its id) with the figure. `chart` is an SVG
// element or null (a figure that is a table alone).
export function figure(section, { title, caption, chart, columns, rows, filename, open = false, empty }) {
  section.replaceChildren();
  const id = section.id;
  const heading = document.createElement("h2");
  heading.id = `${id}-title`;
  heading.textContent = title;
  section.setAttribute("aria-labelledby", heading.id);
  section.append(heading);
  if (caption) {
    const p = document.createElement("p");
    p.className = "caption";
    p.textContent = caption;
    section.append(p);
  }
  if (!rows.length) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = empty || "Nothing to show for these filters.";
    section.append(p);
    return;
  }
  const tableId = `${id}-table`;
  if (chart) {
    chart.setAttribute("aria-labelledby", heading.id);
    chart.setAttribute("aria-describedby", tableId);
    const frame = document.createElement("div");
    frame.className = "chart";
    frame.append(chart);
    section.append(frame);
  }
  const actions = document.createElement("div");
  actions.className = "actions";
  actions.append(button(`Download table (CSV)`, () => download(`${filename}.csv`, "text/csv", csv(columns, rows))));
  if (chart) {
    actions.append(
      button(`Download chart (SVG)`, () => download(`${filename}.svg`, "image/svg+xml", new XMLSerializer().serializeToString(chart))),
    );
  }
  section.append(actions);
  const details = document.createElement("details");
  details.open = open || !chart;
  const summary = document.createElement("summary");
  summary.textContent = `Table: ${title.toLowerCase()} (${rows.length} rows)`;
  details.append(summary);
  const t = table(columns, rows);
  t.id = tableId;
  const scroll = document.createElement("div");
  scroll.className = "table-scroll";
  scroll.tabIndex = 0;
  scroll.setAttribute("role", "region");
  scroll.setAttribute("aria-label", `Table: ${title}`);
  scroll.append(t);
  details.append(scroll);
  section.append(details);
}
