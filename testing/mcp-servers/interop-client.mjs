// The official MCP TypeScript SDK client running the checks of interop-checks.json against server-everything,
// directly or through the gateway: `node interop-client.mjs <url> <streamable-http|sse> [restart]`. Prints one JSON
// object, each check's outcome normalized (the file's masks: ids, timestamps, session ids), so two runs can be
// compared for equality. With `restart` it runs the file's restart.before checks (outcomes named `before:<check>`),
// prints a line `paused`, waits for a line on stdin (the test restarts the server meanwhile), then runs
// restart.after (`after:<check>`) in the same session. With `cancel` it aborts a long call after a second, then
// counts the GET requests the transport makes while the session idles for 4 s (`getsWhileIdle`: the SDK resumes a
// stream that ended without a result, and must not be led into reconnecting without end), then calls echo
// (`echoAfter`). The Java SDK client of the gateway's tests
// (support/JavaSdkClient) runs the same file. On stderr it traces, with milliseconds since its start, each message
// it sends (>>) and receives (<<), transport errors (!!) and each check's start and end (--): the test shows that
// trace beside a failed check, so that a rare failure says where the session stopped.
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema,
  LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

const [url, transportName, mode] = process.argv.slice(2);
const checklist = JSON.parse(readFileSync(new URL('./interop-checks.json', import.meta.url), 'utf8'));
const CHECK_TIMEOUT_MS = checklist.checkTimeoutMs;
const answers = checklist.client;

let gets = 0;
const countingFetch = (input, init) => {
  if ((init?.method ?? 'GET') === 'GET') gets++;
  return fetch(input, init);
};
const transport = transportName === 'sse'
  ? new SSEClientTransport(new URL(url))
  : new StreamableHTTPClientTransport(new URL(url), { fetch: countingFetch });
const client = new Client({ name: answers.name, version: answers.version },
  { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });

const started = Date.now();
const trace = (mark, what) => {
  const text = typeof what === 'string' ? what : JSON.stringify(what);
  process.stderr.write(`${Date.now() - started} ${mark} ${text.length > 400 ? text.slice(0, 400) + '…' : text}\n`);
};
const send = transport.send.bind(transport);
transport.send = (message, options) => {
  trace('>>', message);
  return send(message, options);
};
client.onerror = (e) => trace('!!', String(e?.message ?? e));

const logs = [];
const updates = [];
client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
  model: answers.sampling.model, role: answers.sampling.role, stopReason: answers.sampling.stopReason,
  content: { type: 'text', text: answers.sampling.textPrefix + request.params.messages[0].content.text },
}));
client.setRequestHandler(ElicitRequestSchema, async () => answers.elicitation);
client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: answers.roots }));
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params.uri));

const masks = checklist.masks.map((m) => ({ pattern: new RegExp(m.pattern, 'g'), as: m.as }));

/** Masks what differs between two runs of the same check whoever carries it. */
function normalize(value) {
  return JSON.parse(JSON.stringify(value ?? null, (key, v) => (typeof v !== 'string' ? v
    : masks.reduce((s, m) => s.replace(m.pattern, m.as), v))));
}

const until = async (condition, what) => {
  const deadline = Date.now() + CHECK_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const call = (name, args = {}, options = {}) =>
  client.callTool({ name, arguments: args }, undefined, { timeout: CHECK_TIMEOUT_MS, ...options });

/** The SDK's typed call for each method a check may name. */
const methods = {
  'tools/call': (params, options) => client.callTool(params, undefined, { timeout: CHECK_TIMEOUT_MS, ...options }),
  'prompts/get': (params) => client.getPrompt(params),
  'completion/complete': (params) => client.complete(params),
  'resources/read': (params) => client.readResource(params),
};

const lists = {
  tools: (p) => client.listTools(p),
  resources: (p) => client.listResources(p),
  resourceTemplates: (p) => client.listResourceTemplates(p),
  prompts: (p) => client.listPrompts(p),
};

async function all(list, key) {
  const items = [];
  let cursor;
  do {
    const page = await list(cursor ? { cursor } : undefined);
    items.push(...page[key]);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** What a check's description means to this client; see interop-checks.json. */
const scenarios = {
  logging: async (w) => {
    // the server sends one message of a random level at once when logging starts, then one every 5 s: at the
    // quiet level nothing below it may arrive; at the loud level the first message must
    await client.setLoggingLevel(w.quietLevel);
    logs.length = 0;
    const started = await call(w.tool);
    await sleep(w.quietWaitMs);
    const belowLevel = logs.filter((l) => l.level !== w.quietLevel).map((l) => l.level);
    const stopped = await call(w.tool);
    await client.setLoggingLevel(w.loudLevel);
    logs.length = 0;
    await call(w.tool);
    await until(() => logs.length > 0, 'a log message');
    await call(w.tool);
    return { started, stopped, belowLevel, receivedAtDebug: logs.length > 0 };
  },
  subscription: async (w) => {
    await client.subscribeResource({ uri: w.uri });
    const started = await call(w.tool);
    await until(() => updates.length > 0, 'a resource update');
    const stopped = await call(w.tool);
    await client.unsubscribeResource({ uri: w.uri });
    return { started, stopped, uris: [...new Set(updates)].sort() };
  },
  'read-first-listed-resource': async () => {
    const first = (await client.listResources()).resources[0];
    return client.readResource({ uri: first.uri });
  },
};

async function run(check) {
  if (check.list) {
    return (await all(lists[check.list], check.list)).map((item) => item[check.key]).sort();
  }
  if (check.scenario) {
    return scenarios[check.scenario](check.with ?? {});
  }
  if (!check.progress) {
    return methods[check.method](check.params);
  }
  const progress = [];
  const result = await methods[check.method](check.params, { onprogress: (p) => progress.push(p) });
  // over SSE this SDK drops a progress notification that it reads together with the response (notifications
  // are handled a microtask later, after the response removed the progress handler): directly too, so the
  // final one, read with the response or not by chance, is left out there
  return { progress: progress.filter((p) => transportName !== 'sse' || p.progress < p.total), result };
}

const outcome = {};
try {
  await client.connect(transport);
  // connect() set the transport's handler: what arrives from now on is traced (the answer to initialize is not)
  const receive = transport.onmessage;
  transport.onmessage = (m, extra) => {
    trace('<<', m);
    receive(m, extra);
  };
  outcome.connect = { ok: true, server: client.getServerVersion()?.name };
} catch (e) {
  outcome.connect = { ok: false, error: String(e?.message ?? e) };
}
async function runNamed(names, prefix) {
  for (const name of names) {
    const check = checklist.checks.find((c) => c.name === name);
    trace('--', `check ${prefix}${name}`);
    try {
      outcome[prefix + name] = { ok: true, value: normalize(await run(check)) };
    } catch (e) {
      outcome[prefix + name] = { ok: false, error: normalize(String(e?.message ?? e)) };
    }
    trace('--', `${outcome[prefix + name].ok ? 'passed' : 'failed'} ${prefix}${name}`);
  }
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
if (outcome.connect.ok && mode === 'cancel') {
  await pause(1000); // the standalone stream is open
  const abort = new AbortController();
  setTimeout(() => abort.abort('cancelled by the test'), 1000);
  try {
    await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 3, steps: 3 } },
      undefined, { signal: abort.signal });
    outcome.cancelled = false;
  } catch {
    outcome.cancelled = true;
  }
  const before = gets;
  await pause(4000);
  outcome.getsWhileIdle = gets - before;
  try {
    outcome.echoAfter = normalize(await client.callTool({ name: 'echo', arguments: { message: 'after' } }));
  } catch (e) {
    outcome.echoAfter = normalize(String(e?.message ?? e));
  }
} else if (outcome.connect.ok && mode === 'restart') {
  await runNamed(checklist.restart.before, 'before:');
  process.stdout.write('paused\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
  await runNamed(checklist.restart.after, 'after:');
} else if (outcome.connect.ok) {
  await runNamed(checklist.checks.map((c) => c.name), '');
}
try {
  if (transport.terminateSession) await transport.terminateSession();
  await client.close();
} catch {
  // the outcome is what matters
}
process.stdout.write(JSON.stringify(outcome) + '\n');
process.exit(0);
