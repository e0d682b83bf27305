// Python in the page: the buttons and the exercise editor, and the page API
// window.llmCacheReference that they (and the tests, and anyone scripting the site) use:
//
//   ready(): Promise<void>                   loads the runtime (once per page)
//   run(source): Promise<{stdout, stderr, error}>
//   check(source, {step}?): Promise<{passed, failed, errors, report, failing}>
//       report is what `python -m llm_cache_reference check FILE` prints; failing, the
//       names of the cases that did not pass
//   stepThrough(caseName, source?): Promise<{stepper, problem}>
//       one case traced line by line (llm_cache_reference.trace.page), for stepper.js
//
// The runtime lives in a Web Worker (python-worker.js). It is fetched from this site
// only, as plain static files, so the browser's HTTP cache keeps it for later pages.
// The mkdocs hook (site_build/hooks/python_in_page.py) adds this script only to pages that run Python.

const WORKER = new URL("python-worker.js", import.meta.url);
const STORAGE_KEY = "llm-cache-reference/tutorials/exercises/my_cache_helpers.py";
const EXERCISE_FILE = "my_cache_helpers.py";
// The command line's default: seconds one case may take (llm_cache_reference.checker).
const CASE_TIME_LIMIT = 2;
// The last resort when Python cannot stop itself (see checker/in_browser.py and checker/deadline.py): a call that has not
// answered by then has its worker terminated and a new one started (a full reload).
const RUN_WATCHDOG = 120;
const checkWatchdog = (timeLimit) => timeLimit * 51 + 60; // 50 cases and the import
const UNSUPPORTED =
  "This browser cannot run Python in the page: it needs WebAssembly and module Web " +
  "Workers (a recent Chrome, Edge, Firefox or Safari). Everything here also runs from " +
  "a clone of the project, with the commands shown on this page.";

let worker = null;
let loading = null;
let nextId = 0;
const pending = new Map();
const statusLines = new Set();
let statusText = "Python runs in your browser here; it loads when you first use it.";

function setStatus(text, state) {
  statusText = text;
  for (const line of statusLines) {
    line.textContent = text;
    line.dataset.state = state;
  }
}

function statusLine() {
  const line = element("p", "llmcr-status", statusText);
  statusLines.add(line);
  return line;
}

function ready() {
  if (loading) return loading;
  loading = new Promise((resolve, reject) => {
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      setStatus(UNSUPPORTED, "failed");
      reject(new Error(UNSUPPORTED));
      return;
    }
    const started = performance.now();
    worker = new Worker(WORKER, { type: "module" });
    worker.onerror = () => {
      setStatus(UNSUPPORTED, "failed");
      reject(new Error(UNSUPPORTED));
    };
    worker.onmessage = ({ data }) => {
      if (data.progress) {
        setStatus(data.progress, "loading");
      } else if (data.ready) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        api.info = { ...data.ready, secondsToReady: Number(seconds) };
        setStatus(`Python ${data.ready.python} is ready (loaded in ${seconds} s), in your browser.`, "ready");
        resolve();
      } else if (data.failed) {
        setStatus(`Python could not load in this browser: ${data.failed}`, "failed");
        reject(new Error(data.failed));
      } else {
        const call = pending.get(data.id);
        pending.delete(data.id);
        clearTimeout(call.timer);
        if (data.error) call.reject(new Error(data.error));
        else call.resolve(data.result);
      }
    };
  });
  return loading;
}

class Stuck extends Error {}

async function call(name, args, watchdogSeconds) {
  await ready();
  return new Promise((resolve, reject) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      restart();
      reject(new Stuck(`did not answer within ${watchdogSeconds} s`));
    }, watchdogSeconds * 1000);
    pending.set(id, { resolve, reject, timer });
    worker.postMessage({ id, call: name, args });
  });
}

function restart() {
  worker.terminate();
  for (const [id, waiting] of pending) {
    clearTimeout(waiting.timer);
    waiting.reject(new Stuck("Python was restarted"));
    pending.delete(id);
  }
  loading = null;
  setStatus("Python was stuck, so it was restarted; loading it again…", "loading");
  ready().catch(() => {});
}

async function check(source, options = {}) {
  const timeLimit = options.timeLimit ?? CASE_TIME_LIMIT;
  const args = { source, step: options.step ?? null, time_limit: timeLimit };
  try {
    const checked = await call("check", args, checkWatchdog(timeLimit));
    return {
      passed: checked.passed,
      failed: checked.failed,
      errors: checked.errors,
      notAttempted: checked.not_attempted,
      exitStatus: checked.exit_status,
      report: checked.report,
      failing: checked.failing,
    };
  } catch (error) {
    if (!(error instanceof Stuck)) throw error;
    const report =
      `The check ${error.message}: your code is stuck where the in-page time limit cannot ` +
      "stop it (a loop inside a library call, or a loop that catches every exception, " +
      "KeyboardInterrupt included). Python in this page was restarted. Fix the loop, or " +
      "run the command-line checker, which stops such code case by case.";
    return { passed: 0, failed: 0, errors: 1, notAttempted: 0, exitStatus: 1, report, failing: [] };
  }
}

const api = {
  ready,
  run: (source) => call("run", { source }, RUN_WATCHDOG),
  runFile: (path, argv = []) => call("run_file", { path, argv }, RUN_WATCHDOG),
  check,
  // One case traced line by line (stepper.js): on the reference when source is null.
  stepThrough: (caseName, source = null) =>
    call("step_through", { case: caseName, source }, checkWatchdog(CASE_TIME_LIMIT)),
  info: null,
};
window.llmCacheReference = api;

// --- What the pages show -----------------------------------------------------------------

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function button(label, onClick) {
  const made = element("button", "md-button llmcr-button", label);
  made.type = "button";
  made.addEventListener("click", onClick);
  return made;
}

function outputBlock(title) {
  const block = element("div", "llmcr-output");
  block.hidden = true;
  block.append(element("span", "llmcr-output-title", title), element("pre"));
  return block;
}

function show(block, text) {
  block.hidden = false;
  block.querySelector("pre").textContent = text;
}

function ranText(ran) {
  return [ran.stdout, ran.stderr, ran.error].filter(Boolean).join("\n") || "(printed nothing)";
}

async function busy(control, work) {
  control.disabled = true;
  try {
    await work();
  } catch (error) {
    setStatus(`Python could not run it: ${error.message}`, "failed");
  } finally {
    control.disabled = false;
  }
}

// <div class="llmcr-run" data-script="tutorials/x.py" data-argv='["a"]'></div>: runs a
// tutorial script as `python tutorials/x.py a` runs it.
// <div class="llmcr-run" data-blocks="above"></div>: runs the page's python blocks above
// it, in order, in one namespace, as the test suite does.
function setUpRun(widget) {
  const output = outputBlock("Output, from Python in your browser");
  const run = button("Run in the browser", () =>
    busy(run, async () => {
      setStatus("Running…", "loading");
      const ran = widget.dataset.script
        ? await api.runFile(widget.dataset.script, JSON.parse(widget.dataset.argv || "[]"))
        : await api.run(blocksAbove(widget));
      show(output, ranText(ran));
      widget.dataset.ran = String(Number(widget.dataset.ran || 0) + 1);
      setStatus(statusAfterRun(ran), ran.error ? "failed" : "ready");
    }),
  );
  widget.append(run, statusLine(), output);
}

function statusAfterRun(ran) {
  return ran.error ? "It raised: the traceback is below." : "Done: what it printed is below.";
}

function blocksAbove(widget) {
  const blocks = [...document.querySelectorAll("article .language-python code")];
  return blocks
    .filter((code) => code.compareDocumentPosition(widget) & Node.DOCUMENT_POSITION_FOLLOWING)
    .map((code) => code.textContent)
    .join("\n");
}

// <div class="llmcr-exercise" data-step="1"> with the starter file as a code block inside:
// an editor holding the learner's file (kept in this browser), and a check of one step.
function setUpExercise(widget) {
  const step = Number(widget.dataset.step);
  const starter = widget.querySelector("code").textContent;
  const editor = element("textarea", "llmcr-editor");
  editor.spellcheck = false;
  editor.setAttribute("aria-label", `Your ${EXERCISE_FILE}`);
  editor.value = localStorage.getItem(STORAGE_KEY) ?? starter;
  editor.addEventListener("input", () => localStorage.setItem(STORAGE_KEY, editor.value));
  // Tab indents, as in an editor. Esc first lets the next Tab leave, so a keyboard user is
  // never held in the editor (Shift+Tab leaves as well).
  let tabLeaves = false;
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Tab" && !event.shiftKey && !tabLeaves) {
      event.preventDefault();
      editor.setRangeText("    ", editor.selectionStart, editor.selectionEnd, "end");
      localStorage.setItem(STORAGE_KEY, editor.value);
    }
    tabLeaves = event.key === "Escape";
  });
  const report = outputBlock(
    `python -m llm_cache_reference check tutorials/exercises/${EXERCISE_FILE} --step ${step}`,
  );
  const checkButton = button(`Check step ${step}`, () =>
    busy(checkButton, async () => {
      setStatus(`Checking step ${step} against langchain-core…`, "loading");
      const checked = await api.check(editor.value, { step });
      show(report, checked.report);
      report.dataset.verdict = checked.exitStatus === 0 ? "agree" : "not-yet";
      // stepper.js offers to step through each failing case.
      const detail = { failing: checked.failing, source: editor.value };
      widget.dispatchEvent(new CustomEvent("llmcr-checked", { bubbles: true, detail }));
      setStatus(
        checked.exitStatus === 0
          ? `Step ${step}: all ${checked.passed} cases agree with langchain-core.`
          : `Step ${step}: ${checked.passed} pass, ${checked.failed} fail, ` +
              `${checked.errors} error. The report is below.`,
        checked.exitStatus === 0 ? "ready" : "failed",
      );
    }),
  );
  const download = button(`Download ${EXERCISE_FILE}`, () => {
    const link = element("a");
    link.href = URL.createObjectURL(new Blob([editor.value], { type: "text/x-python" }));
    link.download = EXERCISE_FILE;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
  const reset = button("Start again from the starter file", () => {
    if (editor.value === starter || confirm("Replace your code with the starter file?")) {
      editor.value = starter;
      localStorage.removeItem(STORAGE_KEY);
    }
  });
  const note = element(
    "p",
    "llmcr-note",
    `This is the whole of ${EXERCISE_FILE}, kept in this browser (the same file on every ` +
      "exercise page). Check runs the same cases as the command line, in your browser. " +
      "Tab indents; press Esc, then Tab, to move on from the editor.",
  );
  widget.replaceChildren(note, editor, element("div", "llmcr-buttons"), statusLine(), report);
  widget.querySelector(".llmcr-buttons").append(checkButton, download, reset);
  // A learner who starts editing will check soon: load then, not for every reader passing by.
  editor.addEventListener("focus", () => ready().catch(() => {}), { once: true });
}

for (const widget of document.querySelectorAll(".llmcr-run")) setUpRun(widget);
for (const widget of document.querySelectorAll(".llmcr-exercise")) setUpExercise(widget);
