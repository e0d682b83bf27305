// The site's Python: Pyodide in a Web Worker, so that a long check never freezes the page,
// and so that the page can throw a stuck runtime away (terminate) and start a new one.
// Everything is fetched from this site's own assets/pyodide/ folder (laid out by
// `make browser-python`): no other host. The page talks to it with python-in-page.js.
//
// Messages in:  {id, call: "run" | "run_file" | "check", args: {...}}
// Messages out: {progress: text} while loading; {ready: {python, seconds, pyodide}} once;
// {id, result} or {id, error} per call; {failed: text} if the runtime cannot load.
//
// Every call is a plain synchronous call into Python: coroutines run on the project's own
// blocking event loop (llm_cache_reference.checker.blocking_loop), so nothing here needs
// WebAssembly stack switching (JSPI), which Safari's engine lacks, and the time limit's
// trace function sees every line a learner's coroutine runs, after an await too.

const RUNTIME = new URL("../pyodide/", import.meta.url);

// Glue between JSON and llm_cache_reference.checker.in_browser: the page gets plain data back.
const GLUE = `
import dataclasses, json, platform
from llm_cache_reference.checker import blocking_loop, in_browser

def page_call(name, arguments):
    blocking_loop.install()
    result = getattr(in_browser, name)(**json.loads(arguments))
    return json.dumps(dataclasses.asdict(result))

PYTHON = platform.python_version()
`;

let pageCall = null;

async function load() {
  const started = performance.now();
  postMessage({ progress: "Loading Python (Pyodide, about 14 MB the first time)…" });
  const { loadPyodide } = await import(new URL("pyodide.mjs", RUNTIME).href);
  // enableRunUntilComplete: false leaves asyncio.run as asyncio's (see blocking_loop).
  const pyodide = await loadPyodide({ indexURL: RUNTIME.href, enableRunUntilComplete: false });
  const manifest = await fetchOk("manifest.json").then((response) => response.json());
  const parts = [...manifest.wheels, manifest.project];
  let fetched = 0;
  const buffers = await Promise.all(
    parts.map(async (part) => {
      const bytes = await fetchOk(part.file).then((response) => response.arrayBuffer());
      fetched += 1;
      postMessage({ progress: `Fetching packages: ${fetched} of ${parts.length}…` });
      return new Uint8Array(bytes);
    }),
  );
  postMessage({ progress: "Installing langchain-core and this project…" });
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  manifest.wheels.forEach((_, i) =>
    pyodide.unpackArchive(buffers[i], "wheel", { extractDir: sitePackages }),
  );
  // The project's package and tutorials, where a clone has them: `tutorials/...` from here.
  pyodide.unpackArchive(buffers[parts.length - 1], "zip", { extractDir: "/home/pyodide" });
  pyodide.runPython(
    'import os, sys; os.chdir("/home/pyodide"); sys.path.insert(0, "/home/pyodide/reference")',
  );
  postMessage({ progress: "Importing langchain-core…" });
  pyodide.runPython(GLUE);
  pageCall = pyodide.globals.get("page_call");
  const python = pyodide.globals.get("PYTHON");
  return { python, seconds: (performance.now() - started) / 1000, pyodide: manifest.pyodide };
}

// What went wrong, in words: WebKit's error.stack leaves the message out, and a browser
// may throw an error with no message at all; a learner never needs the stack's lines.
function inWords(error) {
  if (!(error instanceof Error)) return String(error);
  return error.message ? `${error.name}: ${error.message}` : `${error.name} (no message given)`;
}

async function fetchOk(file) {
  const response = await fetch(new URL(file, RUNTIME));
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return response;
}

const loaded = load().then(
  (info) => postMessage({ ready: info }),
  (error) => postMessage({ failed: inWords(error) }),
);

// Calls that arrive while Python loads wait for it; then each runs to its end in turn.
onmessage = ({ data }) => {
  loaded.then(() => handle(data));
};

function handle({ id, call, args }) {
  if (pageCall === null) return postMessage({ id, error: "Python did not load" });
  try {
    postMessage({ id, result: JSON.parse(pageCall(call, JSON.stringify(args))) });
  } catch (error) {
    postMessage({ id, error: inWords(error) });
  }
}
