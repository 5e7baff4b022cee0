// Headroom's GraphQL API as a page uses it: the key, the page's documents,
// and requests that keep to the two a key may have in flight. The key is
// kept in sessionStorage (this tab only, gone when it closes), under the
// same name the API explorer uses.

const STORED_KEY = "headroom.apiKey";
const IN_FLIGHT = 2;
// A page follows a connection to its end, but never further than this
// unless it says so.
const MAX_PAGES = 20;

export function key() {
  return sessionStorage.getItem(STORED_KEY) || "";
}

export function setKey(value) {
  sessionStorage.setItem(STORED_KEY, value.trim());
}

export function forgetKey() {
  sessionStorage.removeItem(STORED_KEY);
}

// An error the API answered with: its sentence and its code
// (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, …).
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

const documents = new Map();

// The text of `dashboards/<name>.graphql`, fetched once.
function documentOf(name) {
  if (!documents.has(name)) {
    documents.set(
      name,
      fetch(`/dashboards/${name}.graphql`).then((r) => {
        if (!r.ok) throw new ApiError(`The document ${name}.graphql is missing`, "NOT_FOUND");
        return r.text();
      }),
    );
  }
  return documents.get(name);
}

let active = 0;
const queue = [];

async function turn() {
  if (active < IN_FLIGHT) {
    active += 1;
    return;
  }
  await new Promise((resolve) => queue.push(resolve));
}

function done() {
  const next = queue.shift();
  if (next) next();
  else active -= 1;
}

async function send(body) {
  await turn();
  try {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
        Authorization: `Bearer ${key()}`,
      },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => null);
    if (!answer) throw new ApiError(`The service answered ${response.status}.`, "HTTP");
    if (answer.errors && answer.errors.length) {
      const first = answer.errors[0];
      throw new ApiError(first.message, (first.extensions && first.extensions.code) || "ERROR");
    }
    return answer.data;
  } finally {
    done();
  }
}

// The definitions of a document (operations and fragments), by name.
// Each definition's text runs from its keyword to its closing brace.
function definitions(text) {
  const found = new Map();
  const source = text.replace(/#[^\n]*/g, "");
  const head = /\b(query|mutation|subscription|fragment)\s+([A-Za-z_][A-Za-z0-9_]*)/g;
  let match;
  while ((match = head.exec(source))) {
    let depth = 0;
    let i = source.indexOf("{", match.index);
    for (; i < source.length; i += 1) {
      if (source[i] === "{") depth += 1;
      if (source[i] === "}" && --depth === 0) break;
    }
    found.set(match[2], source.slice(match.index, i + 1));
    head.lastIndex = i + 1;
  }
  return found;
}

// The text of one named operation of `dashboards/<name>.graphql`, with
// the fragments it names. Only that operation is ever sent: the server
// weighs every operation of a document it is given, and the others'
// variables are not in the request.
export async function operation(name, operationName) {
  const all = definitions(await documentOf(name));
  const text = all.get(operationName);
  if (!text) throw new ApiError(`${name}.graphql has no operation ${operationName}`, "NOT_FOUND");
  const fragments = [...all].filter(([n, t]) => t.startsWith("fragment") && text.includes(`...${n}`)).map(([, t]) => t);
  return [text, ...fragments].join("\n");
}

// Runs one named operation of `dashboards/<name>.graphql`.
export async function run(name, operationName, variables = {}) {
  return send({ query: await operation(name, operationName), operationName, variables });
}

// Runs an operation whose connection (at `path` in the answer) takes an
// `$after` cursor, page by page (up to `maxPages`), and returns the nodes
// with the first page's answer beside it and whether they are all.
export async function runAll(name, operationName, variables, path, maxPages = MAX_PAGES) {
  const nodes = [];
  let after = null;
  let first = null;
  for (let page = 0; page < maxPages; page += 1) {
    const data = await run(name, operationName, { ...variables, after });
    const connection = path.reduce((value, step) => value[step], data);
    if (!first) first = data;
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) return { data: first, nodes, complete: true };
    after = connection.pageInfo.endCursor;
  }
  return { data: first, nodes, complete: false };
}
