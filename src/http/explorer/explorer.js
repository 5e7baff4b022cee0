// Headroom API explorer. Sends GraphQL requests to /graphql on this origin
// and browses the schema by introspection. Plain JavaScript, no build step,
// nothing loaded from anywhere else. The API key stays in sessionStorage:
// this tab only, gone when it closes.
"use strict";

(function () {
  const STORED_KEY = "headroom.apiKey";
  const STORED_QUERY = "headroom.query";
  const STORED_VARIABLES = "headroom.variables";

  // The first example in README.md.
  const EXAMPLE_QUERY = `# Dementia services offering Sylheti. Ctrl+Enter runs it.
{
  services(first: 5, filter: { need: DEMENTIA, capability: { kind: LANGUAGE, code: "syl" } }) {
    totalCount
    edges {
      node {
        name
        organisation { name }
        capacity { placesPerWeek caseloadMax validFrom }
        status { status daysSinceConfirmed stale }
        capabilities { label }
      }
    }
  }
}
`;

  // The standard introspection query, as GraphiQL and code generators send it.
  const INTROSPECTION_QUERY = `
    query IntrospectionQuery {
      __schema {
        queryType { name }
        mutationType { name }
        subscriptionType { name }
        types {
          ...FullType
        }
        directives {
          name
          description
          locations
          args {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      fields(includeDeprecated: true) {
        name
        description
        args {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
  `;

  const $ = (id) => document.getElementById(id);
  const keyForm = $("key-form");
  const keyInput = $("key");
  const keyStatus = $("key-status");
  const queryBox = $("query");
  const variablesBox = $("variables");
  const operationLabel = $("operation-label");
  const operationSelect = $("operation");
  const runButton = $("run");
  const suggestions = $("suggestions");
  const responseStatus = $("response-status");
  const responseErrors = $("response-errors");
  const responseBox = $("response");
  const docs = $("docs");
  const docsSearch = $("docs-search");
  const docsBack = $("docs-back");
  const docsHome = $("docs-home");

  // ---- storage (sessionStorage can be switched off; then nothing is kept)

  function recall(name) {
    try {
      return sessionStorage.getItem(name);
    } catch (_) {
      return null;
    }
  }

  function keep(name, value) {
    try {
      if (value === null) sessionStorage.removeItem(name);
      else sessionStorage.setItem(name, value);
    } catch (_) {
      // not kept; the page still works
    }
  }

  // ---- building the page (text only, never HTML from a response)

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "onclick") node.addEventListener("click", value);
      else node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function setStatus(node, text, tone) {
    node.textContent = text;
    node.classList.toggle("bad", tone === "bad");
    node.classList.toggle("good", tone === "good");
  }

  // ---- talking to the service

  function currentKey() {
    return keyInput.value.trim();
  }

  async function post(body) {
    const headers = {
      "Content-Type": "application/json",
      Accept: "application/graphql-response+json, application/json",
    };
    const key = currentKey();
    if (key) headers.Authorization = "Bearer " + key;
    const started = performance.now();
    const response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
    const text = await response.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch (_) {
      // shown as text
    }
    return {
      status: response.status,
      statusText: response.statusText,
      ms: Math.round(performance.now() - started),
      text,
      json,
    };
  }

  function httpLine(result) {
    return `HTTP ${result.status}${result.statusText ? " " + result.statusText : ""}`;
  }

  function errorsOf(json) {
    return json && Array.isArray(json.errors) ? json.errors : [];
  }

  // "CODE: message (at a.b.0.c; field x)"
  function describeError(error) {
    const extensions = error.extensions || {};
    const parts = [];
    if (extensions.code) parts.push(extensions.code + ": ");
    parts.push(error.message || "(no message)");
    const where = [];
    if (Array.isArray(error.path)) where.push("at " + error.path.join("."));
    if (extensions.field) where.push("field " + extensions.field);
    if (Array.isArray(error.locations) && error.locations.length) {
      where.push("line " + error.locations[0].line + ", column " + error.locations[0].column);
    }
    if (where.length) parts.push(" (" + where.join("; ") + ")");
    return parts.join("");
  }

  // ---- the API key

  function adoptKey() {
    const key = currentKey();
    if (key === (recall(STORED_KEY) || "")) return false;
    keep(STORED_KEY, key || null);
    return true;
  }

  function shortKey(key) {
    return key.length > 11 ? key.slice(0, 11) + "…" : key;
  }

  keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!currentKey()) {
      setStatus(keyStatus, "Paste a key first.", "bad");
      keyInput.focus();
      return;
    }
    adoptKey();
    loadSchema();
  });

  $("forget-key").addEventListener("click", () => {
    keyInput.value = "";
    keep(STORED_KEY, null);
    schema = null;
    completions = [];
    generation += 1;
    setStatus(keyStatus, "Key forgotten. Paste another to go on.", null);
    resetDocs("The schema appears here once a key is in use.");
    updateSuggestions();
    keyInput.focus();
  });

  $("show-key").addEventListener("change", (event) => {
    keyInput.type = event.target.checked ? "text" : "password";
  });

  // ---- running a request

  async function run() {
    if (adoptKey()) loadSchema();
    let variables;
    const text = variablesBox.value.trim();
    if (text) {
      try {
        variables = JSON.parse(text);
      } catch (error) {
        setStatus(responseStatus, "The variables are not valid JSON: " + error.message, "bad");
        variablesBox.focus();
        return;
      }
      if (variables === null || typeof variables !== "object" || Array.isArray(variables)) {
        setStatus(responseStatus, "The variables must be a JSON object, such as {\"first\": 5}.", "bad");
        variablesBox.focus();
        return;
      }
    }
    const body = { query: queryBox.value };
    if (variables) body.variables = variables;
    if (!operationSelect.hidden && operationSelect.value) body.operationName = operationSelect.value;

    runButton.disabled = true;
    setStatus(responseStatus, "Running…", null);
    try {
      showResponse(await post(body));
    } catch (error) {
      responseErrors.hidden = true;
      responseBox.textContent = "";
      setStatus(responseStatus, "The request did not reach the service: " + error.message, "bad");
    } finally {
      runButton.disabled = false;
    }
  }

  function showResponse(result) {
    const errors = errorsOf(result.json);
    let line = `${httpLine(result)} · ${result.ms} ms`;
    if (errors.length) line += ` · ${errors.length} error${errors.length === 1 ? "" : "s"}`;
    const ok = result.status >= 200 && result.status < 300 && !errors.length;
    setStatus(responseStatus, line, ok ? "good" : "bad");
    responseErrors.replaceChildren(...errors.map((error) => el("li", {}, describeError(error))));
    responseErrors.hidden = !errors.length;
    responseBox.textContent = result.json === null ? result.text : JSON.stringify(result.json, null, 2);
  }

  runButton.addEventListener("click", run);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });

  // ---- the editors

  // Named operations in the document; a choice appears when there are several.
  function updateOperations() {
    const source = queryBox.value.replace(/#[^\n]*/g, "");
    const pattern = /(?:^|[^_0-9A-Za-z])(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g;
    const names = [];
    for (const match of source.matchAll(pattern)) names.push(match[1]);
    const chosen = operationSelect.value;
    operationSelect.replaceChildren(...names.map((name) => el("option", { value: name }, name)));
    if (names.includes(chosen)) operationSelect.value = chosen;
    operationSelect.hidden = operationLabel.hidden = names.length < 2;
  }

  queryBox.addEventListener("input", () => {
    keep(STORED_QUERY, queryBox.value);
    updateOperations();
    updateSuggestions();
  });
  queryBox.addEventListener("keyup", (event) => {
    if (event.key.startsWith("Arrow") || event.key === "Home" || event.key === "End") updateSuggestions();
  });
  queryBox.addEventListener("click", updateSuggestions);
  variablesBox.addEventListener("input", () => keep(STORED_VARIABLES, variablesBox.value));

  // ---- completion: names from the schema that continue the word at the cursor

  let completions = []; // { name, where, rank }, best first

  function collectCompletions() {
    const seen = new Map();
    const add = (name, where, rank) => {
      if (!seen.has(name)) seen.set(name, { name, where, rank });
    };
    const roots = rootTypes();
    roots.forEach(([label, type]) => type.fields.forEach((f) => add(f.name, label + " field", 0)));
    for (const type of visibleTypes()) {
      (type.fields || []).forEach((f) => {
        add(f.name, "field of " + type.name, 1);
        f.args.forEach((a) => add(a.name, "argument of " + f.name, 2));
      });
      (type.inputFields || []).forEach((f) => add(f.name, "field of " + type.name, 2));
      (type.enumValues || []).forEach((v) => add(v.name, "value of " + type.name, 3));
      add(type.name, "type", 4);
    }
    completions = [...seen.values()].sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  }

  function updateSuggestions() {
    const start = queryBox.selectionStart;
    const word = queryBox.selectionEnd === start ? /[_A-Za-z][_0-9A-Za-z]*$/.exec(queryBox.value.slice(0, start)) : null;
    const prefix = word ? word[0] : "";
    const lower = prefix.toLowerCase();
    const found = prefix
      ? completions.filter((c) => c.name !== prefix && c.name.toLowerCase().startsWith(lower)).slice(0, 8)
      : [];
    suggestions.replaceChildren(
      ...found.map((c) =>
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", onclick: () => complete(start - prefix.length, start, c.name) },
            el("code", {}, c.name),
            " ",
            el("span", { class: "quiet" }, c.where)
          )
        )
      )
    );
  }

  function complete(from, to, name) {
    queryBox.focus();
    queryBox.setRangeText(name, from, to, "end");
    keep(STORED_QUERY, queryBox.value);
    updateOperations();
    updateSuggestions();
  }

  // ---- the schema and its browser

  let schema = null; // { types: Map(name → type), query, mutation, subscription }
  let generation = 0; // a newer load or a forgotten key makes older answers moot
  let history = [];
  let view = { kind: "home" };

  async function loadSchema() {
    const mine = ++generation;
    const key = currentKey();
    if (!key) {
      resetDocs("The schema appears here once a key is in use.");
      return;
    }
    resetDocs("Reading the schema…");
    setStatus(keyStatus, `Using key ${shortKey(key)} (kept in this tab only). Reading the schema…`, null);
    let result;
    try {
      result = await post({ query: INTROSPECTION_QUERY, operationName: "IntrospectionQuery" });
    } catch (error) {
      if (mine !== generation) return;
      setStatus(keyStatus, `Using key ${shortKey(key)}; the service could not be reached.`, "bad");
      docsFailure("The request did not reach the service: " + error.message, []);
      return;
    }
    if (mine !== generation) return;
    const data = result.json && result.json.data && result.json.data.__schema;
    if (!data) {
      const errors = errorsOf(result.json);
      const refused = result.status === 401 || errors.some((e) => e.extensions && e.extensions.code === "UNAUTHENTICATED");
      setStatus(
        keyStatus,
        refused
          ? `The service refused key ${shortKey(key)}: ${errors.length ? describeError(errors[0]) : httpLine(result)}`
          : `Using key ${shortKey(key)}; the schema could not be read (see Docs).`,
        "bad"
      );
      docsFailure(`The schema could not be read: ${httpLine(result)}.`, errors, result.json === null ? result.text : null);
      return;
    }
    schema = {
      types: new Map(data.types.map((t) => [t.name, t])),
      query: data.queryType && data.queryType.name,
      mutation: data.mutationType && data.mutationType.name,
      subscription: data.subscriptionType && data.subscriptionType.name,
    };
    collectCompletions();
    updateSuggestions();
    setStatus(
      keyStatus,
      `Using key ${shortKey(key)} (kept in this tab only). Schema read: ${visibleTypes().length} types.`,
      "good"
    );
    docsSearch.disabled = false;
    docsHome.disabled = false;
    history = [];
    show({ kind: "home" }, false);
  }

  function rootTypes() {
    return [
      ["Query", schema.query],
      ["Mutation", schema.mutation],
      ["Subscription", schema.subscription],
    ]
      .filter(([, name]) => name && schema.types.has(name))
      .map(([label, name]) => [label, schema.types.get(name)]);
  }

  function visibleTypes() {
    return [...schema.types.values()]
      .filter((t) => !t.name.startsWith("__"))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  function resetDocs(message) {
    docsSearch.value = "";
    docsSearch.disabled = true;
    docsBack.disabled = true;
    docsHome.disabled = true;
    setDocs(el("p", { class: "quiet" }, message));
  }

  function docsFailure(message, errors, rawText) {
    const retry = el("button", { type: "button", onclick: loadSchema }, "Try again");
    setDocs(
      el("p", { class: "bad" }, message),
      errors.length ? el("ul", { class: "errors" }, ...errors.map((e) => el("li", {}, describeError(e)))) : null,
      rawText ? el("pre", { class: "code" }, rawText) : null,
      retry
    );
  }

  // Fills the docs panel; null stands for nothing.
  function setDocs(...children) {
    docs.replaceChildren(...children.filter((child) => child !== null && child !== undefined));
  }

  function navigate(next) {
    history.push(view);
    show(next, true);
  }

  docsBack.addEventListener("click", () => {
    if (history.length) show(history.pop(), true);
  });
  docsHome.addEventListener("click", () => {
    docsSearch.value = "";
    navigate({ kind: "home" });
  });
  docsSearch.addEventListener("input", () => {
    const text = docsSearch.value.trim();
    if (view.kind !== "search") history.push(view);
    show(text ? { kind: "search", text } : { kind: "home" }, false);
  });

  function show(next, moveFocus) {
    view = next;
    docsBack.disabled = !history.length;
    let heading;
    if (next.kind === "type" && schema.types.has(next.name)) heading = renderType(schema.types.get(next.name));
    else if (next.kind === "search") heading = renderSearch(next.text);
    else heading = renderHome();
    docs.scrollTop = 0;
    if (moveFocus) heading.focus();
  }

  function heading(text) {
    return el("h3", { tabindex: "-1" }, text);
  }

  function typeLink(name) {
    return el("button", { type: "button", class: "link", onclick: () => navigate({ kind: "type", name }) }, name);
  }

  // NON_NULL and LIST wrappers around a named type: [Service!]!
  function typeRef(ref) {
    if (!ref) return "?";
    if (ref.kind === "NON_NULL") return el("span", {}, typeRef(ref.ofType), "!");
    if (ref.kind === "LIST") return el("span", {}, "[", typeRef(ref.ofType), "]");
    return typeLink(ref.name);
  }

  function description(text) {
    return text ? el("p", { class: "description" }, text) : null;
  }

  function deprecation(item) {
    return item.isDeprecated ? el("p", { class: "bad" }, "Deprecated: " + (item.deprecationReason || "no reason given")) : null;
  }

  function inputValue(arg) {
    return el(
      "li",
      {},
      el("code", {}, arg.name),
      ": ",
      typeRef(arg.type),
      arg.defaultValue !== null && arg.defaultValue !== undefined ? el("span", { class: "quiet" }, " = " + arg.defaultValue) : null,
      description(arg.description)
    );
  }

  function fieldItem(field) {
    return el(
      "li",
      { class: "field" },
      el("div", {}, el("code", { class: "name" }, field.name), field.args.length ? "(…)" : null, ": ", typeRef(field.type)),
      description(field.description),
      deprecation(field),
      field.args.length ? el("ul", { class: "args", "aria-label": "Arguments of " + field.name }, ...field.args.map(inputValue)) : null
    );
  }

  const KINDS = {
    OBJECT: "object type",
    INTERFACE: "interface",
    UNION: "union",
    ENUM: "enum",
    INPUT_OBJECT: "input type",
    SCALAR: "scalar",
  };

  function renderHome() {
    const title = heading("Schema");
    const parts = [title];
    for (const [label, type] of rootTypes()) {
      parts.push(
        el("h4", {}, label, " ", el("span", { class: "quiet" }, "(type "), typeLink(type.name), el("span", { class: "quiet" }, ")")),
        el("ul", { class: "fields" }, ...type.fields.map(fieldItem))
      );
    }
    parts.push(
      el("h4", {}, "All types"),
      el(
        "ul",
        { class: "types" },
        ...visibleTypes().map((t) => el("li", {}, typeLink(t.name), " ", el("span", { class: "quiet" }, KINDS[t.kind] || t.kind)))
      )
    );
    setDocs(...parts);
    return title;
  }

  function renderType(type) {
    const title = heading(type.name);
    const parts = [title, el("p", { class: "quiet" }, KINDS[type.kind] || type.kind), description(type.description)];
    if (type.interfaces && type.interfaces.length) {
      parts.push(el("p", {}, "Implements ", ...type.interfaces.flatMap((t, i) => (i ? [", ", typeRef(t)] : [typeRef(t)]))));
    }
    if (type.fields && type.fields.length) {
      parts.push(el("h4", {}, "Fields"), el("ul", { class: "fields" }, ...type.fields.map(fieldItem)));
    }
    if (type.inputFields && type.inputFields.length) {
      parts.push(el("h4", {}, "Input fields"), el("ul", { class: "fields" }, ...type.inputFields.map(inputValue)));
    }
    if (type.enumValues && type.enumValues.length) {
      parts.push(
        el("h4", {}, "Values"),
        el(
          "ul",
          { class: "fields" },
          ...type.enumValues.map((v) => el("li", {}, el("code", { class: "name" }, v.name), description(v.description), deprecation(v)))
        )
      );
    }
    if (type.possibleTypes && type.possibleTypes.length) {
      parts.push(el("h4", {}, "Possible types"), el("ul", { class: "types" }, ...type.possibleTypes.map((t) => el("li", {}, typeRef(t)))));
    }
    setDocs(...parts);
    return title;
  }

  function renderSearch(text) {
    const lower = text.toLowerCase();
    const found = [];
    for (const type of visibleTypes()) {
      if (type.name.toLowerCase().includes(lower)) found.push(el("li", {}, typeLink(type.name), " ", el("span", { class: "quiet" }, KINDS[type.kind] || type.kind)));
      for (const field of type.fields || type.inputFields || []) {
        if (field.name.toLowerCase().includes(lower)) {
          found.push(el("li", {}, typeLink(type.name), ".", el("code", {}, field.name), ": ", typeRef(field.type)));
        }
      }
    }
    const title = heading(`Matching “${text}”`);
    const shown = found.slice(0, 60);
    setDocs(
      title,
      shown.length ? el("ul", { class: "types" }, ...shown) : el("p", { class: "quiet" }, "No type or field has that in its name."),
      found.length > shown.length ? el("p", { class: "quiet" }, `${found.length - shown.length} more; type more of the name.`) : null
    );
    return title;
  }

  // ---- start

  keyInput.value = recall(STORED_KEY) || "";
  queryBox.value = recall(STORED_QUERY) || EXAMPLE_QUERY;
  variablesBox.value = recall(STORED_VARIABLES) || "{}";
  updateOperations();
  if (currentKey()) loadSchema();
})();
