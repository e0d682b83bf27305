// The site's Python: Pyodide in a Web Worker, so that a long check never freezes the page,
// and so that the page can throw a stuck runtime away (terminate) and start a new one.
// Everything is fetched from this site's own assets/pyodide/ folder (laid out by
// `make browser-python`): no other host. The page talks to it with python-in-page.js.
//
// Messages in:  {id, call: "run" | "run_file" | "check", args: {...}}
// Messages out: {progress: text} while loading; {ready: {asyncOK}} once; {id, result} or
// {id, error} per call; {failed: text} if the runtime cannot load.

const RUNTIME = new URL("../pyodide/", import.meta.url);

// Glue between JSON and llm_cache_reference.checker.in_browser: the page gets plain data back.
const GLUE = `
import dataclasses, json
from llm_cache_reference.checker import in_browser
from pyodide.ffi import can_run_sync

def page_call(name, arguments):
    result = getattr(in_browser, name)(**json.loads(arguments))
    return json.dumps(dataclasses.asdict(result))

def async_works():
    return can_run_sync()

# When a coroutine that asyncio.run awaits raises, Pyodide (314.0.7) passes the exception
# to sys.excepthook, which prints a traceback, and then raises it to asyncio.run's caller
# as CPython does. The caller handles it, so that print is noise a local run never shows.
# Every exception from a page's call is caught and returned by in_browser: none is lost.
import sys
sys.excepthook = lambda *exc_info: None
`;

let pageCall = null;

async function load() {
  const started = performance.now();
  postMessage({ progress: "Loading Python (Pyodide, about 14 MB the first time)…" });
  const { loadPyodide } = await import(new URL("pyodide.mjs", RUNTIME).href);
  const pyodide = await loadPyodide({ indexURL: RUNTIME.href });
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
  pyodide.runPython('import os, sys; os.chdir("/home/pyodide"); sys.path.insert(0, "/home/pyodide")');
  postMessage({ progress: "Importing langchain-core…" });
  pyodide.runPython(GLUE);
  pageCall = pyodide.globals.get("page_call");
  // asyncio.run needs WebAssembly stack switching (JSPI); without it, only sync code runs.
  const asyncOK = await pyodide.globals.get("async_works").callPromising();
  return { asyncOK, seconds: (performance.now() - started) / 1000, pyodide: manifest.pyodide };
}

async function fetchOk(file) {
  const response = await fetch(new URL(file, RUNTIME));
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return response;
}

const loaded = load().then(
  (info) => postMessage({ ready: info }),
  (error) => postMessage({ failed: String(error && error.stack ? error.stack : error) }),
);

// One call at a time: while one waits in asyncio.run, another must not start.
let queue = loaded;
onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};

async function handle({ id, call, args }) {
  if (pageCall === null) return postMessage({ id, error: "Python did not load" });
  try {
    // callPromising: a call that may block on asyncio.run, through stack switching.
    const text = await pageCall.callPromising(call, JSON.stringify(args));
    postMessage({ id, result: JSON.parse(text) });
  } catch (error) {
    postMessage({ id, error: String(error) });
  }
}
