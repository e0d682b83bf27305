// Python in the page: the buttons and the exercise editor, and the page API
// window.llmCacheReference that they (and the tests, and anyone scripting the site) use:
//
//   ready(): Promise<void>                   loads the runtime (once per page)
//   run(source): Promise<{stdout, stderr, error}>
//   check(source, {step, timeLimit, width, seenBefore}?):
//       Promise<{passed, failed, errors, report, failing, summary, differing}>
//       report is what `python -m llm_cache_reference check FILE` prints in a terminal
//       `width` columns wide (80 unless given); failing, the cases that did not pass;
//       summary, what `check --summary` prints (the room's progress line); differing, the
//       cases that ran and differ, which the exercise page keeps and gives back as
//       seenBefore, so that a case's second failing check says why it matters
//       (checker/memory.py keeps the same for the command line)
//   stepThrough(caseName, source?): Promise<{stepper, problem}>
//       one case traced line by line (llm_cache_reference.trace.page), for stepper.js
//
// The runtime lives in a Web Worker (python-worker.js). It is fetched from this site
// only, as plain static files, so the browser's HTTP cache keeps it for later pages.
// The theme's instant navigation swaps pages without reloading this script, so the
// worker, loaded once, serves every page a learner moves to by a link.
// The mkdocs hook (site_build/hooks/python_in_page.py) adds this script only to pages that run Python.

const WORKER = new URL("python-worker.js", import.meta.url);
const EXERCISE_FILE = "my_cache_helpers.py";
// Each exercise keeps its own copy of the learner's file, under one prefix, so that two
// tabs on two exercises never write over each other; a bundle of them all downloads.
const STORAGE = "llm-cache-reference/";
const storageKey = (step) => `${STORAGE}exercise-${step}/${EXERCISE_FILE}`;
const STORED_NAME = new RegExp(`^exercise-\\d+/${EXERCISE_FILE.replace(".", "\\.")}$`);
// Where every exercise kept the one file before each had its own.
const SHARED_KEY = `${STORAGE}tutorials/exercises/${EXERCISE_FILE}`;
// The cases the learner has seen fail, in any exercise: a JSON list of names.
const SEEN_KEY = `${STORAGE}seen-failing`;
const BUNDLE = "llm-cache-reference-exercises.json";
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
const WAITING = "Python runs in your browser here; it loads when you first use it.";
let statusText = WAITING;
let readyText = null;

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
        readyText = `Python ${data.ready.python} is ready (loaded in ${seconds} s), in your browser.`;
        setStatus(readyText, "ready");
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
  readyText = null;
  setStatus("Python was stuck, so it was restarted; loading it again…", "loading");
  ready().catch(() => {});
}

async function check(source, options = {}) {
  const timeLimit = options.timeLimit ?? CASE_TIME_LIMIT;
  const args = {
    source,
    step: options.step ?? null,
    time_limit: timeLimit,
    width: options.width ?? 80,
    seen_before: options.seenBefore ?? [],
  };
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
      summary: checked.summary,
      differing: checked.differing,
    };
  } catch (error) {
    if (!(error instanceof Stuck)) throw error;
    const report =
      `The check ${error.message}: your code is stuck where the in-page time limit cannot ` +
      "stop it (a loop inside a library call, or a loop that catches every exception, " +
      "KeyboardInterrupt included). Python in this page was restarted. Fix the loop, or " +
      "run the command-line checker, which stops such code case by case.";
    return {
      passed: 0,
      failed: 0,
      errors: 1,
      notAttempted: 0,
      exitStatus: 1,
      report,
      failing: [],
      summary: "",
      differing: [],
    };
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
async function setUpExercise(widget) {
  const step = Number(widget.dataset.step);
  const key = storageKey(step);
  const starter = widget.querySelector("code").textContent;
  const start = startingCode(step, starter);
  const host = element("div", "llmcr-editor-host");
  const editor = await makeEditor(host, {
    doc: start.code,
    label: `Your ${EXERCISE_FILE}`,
    className: "llmcr-editor",
    onChange: (text) => localStorage.setItem(key, text),
  });
  // The page API's way in (tests, stepper.js): editor.value reads and writes the file.
  widget.editor = editor;
  editors.set(key, editor);
  const report = outputBlock(
    `python -m llm_cache_reference check tutorials/exercises/${EXERCISE_FILE} --step ${step}`,
  );
  const checkButton = button(`Check step ${step}`, () =>
    busy(checkButton, async () => {
      setStatus(`Checking step ${step} against langchain-core…`, "loading");
      show(report, "");
      delete report.dataset.verdict; // until this check's own verdict is in
      const width = columnsOf(report.querySelector("pre"));
      report.dataset.columns = width;
      const seenBefore = seenFailing();
      const checked = await api.check(editor.value, { step, width, seenBefore });
      const seen = [...new Set([...seenBefore, ...checked.differing])];
      localStorage.setItem(SEEN_KEY, JSON.stringify(seen));
      show(report, checked.report);
      // The room's progress line, as a learner with a clone gets it from `check --summary`.
      progress.hidden = !checked.summary;
      progress.querySelector("code").textContent = checked.summary;
      report.dataset.verdict = checked.exitStatus === 0 ? "agree" : "not-yet";
      // stepper.js offers to step through each failing case.
      const detail = { failing: checked.failing, source: editor.value };
      widget.dispatchEvent(new CustomEvent("llmcr-checked", { bubbles: true, detail }));
      setStatus(...checkedStatus(step, checked));
    }),
  );
  const download = button(`Download ${EXERCISE_FILE}`, () =>
    offer(EXERCISE_FILE, editor.value, "text/x-python"),
  );
  const reset = button("Start again from the starter file", () => {
    if (editor.value === starter || confirm("Replace your code with the starter file?")) {
      editor.value = starter;
    }
  });
  const downloadAll = button("Download all my exercise files", () =>
    offer(BUNDLE, JSON.stringify({ files: storedFiles() }, null, 1), "application/json"),
  );
  const chooser = element("input");
  chooser.type = "file";
  chooser.accept = ".json,application/json";
  chooser.hidden = true;
  chooser.addEventListener("change", async () => {
    const [file] = chooser.files;
    chooser.value = "";
    if (!file) return;
    const restored = restore(await file.text());
    if (typeof restored === "string") {
      setStatus(`Nothing was restored: ${file.name} ${restored}`, "failed");
      return;
    }
    editor.value = localStorage.getItem(key) ?? editor.value;
    setStatus(`Restored ${restored} exercise files from ${file.name}.`, "ready");
  });
  const restoreButton = button("Restore my exercise files…", () => chooser.click());
  const note = element(
    "p",
    "llmcr-note",
    `This is the whole of ${EXERCISE_FILE}, kept in this browser for exercise ${step} ` +
      "(each exercise keeps its own copy; a new one starts from your last). Check runs the " +
      "same cases as the command line, in your browser. In the editor Tab indents and " +
      "Shift+Tab dedents; press Esc, then Tab, to move on from it.",
  );
  const carried = start.from !== null && start.from !== step;
  const from = carried
    ? [element("p", "llmcr-note", `It starts from your ${start.from}; what you change here is kept for this exercise.`)]
    : [];
  const progress = element("p", "llmcr-progress", "Your progress line (as check --summary prints it): ");
  progress.append(element("code"));
  progress.hidden = true;
  const buttons = element("div", "llmcr-buttons");
  buttons.append(checkButton, download, reset, downloadAll, restoreButton, chooser);
  widget.replaceChildren(note, ...from, host, buttons, statusLine(), progress, report);
  // A learner who starts editing will check soon: load then, not for every reader passing by.
  editor.element.addEventListener("focusin", () => ready().catch(() => {}), { once: true });
}

function checkedStatus(step, checked) {
  if (checked.exitStatus === 2) {
    return [`Step ${step}: your file cannot be checked yet; the report below says why.`, "failed"];
  }
  if (checked.exitStatus === 0) {
    return [`Step ${step}: all ${checked.passed} cases agree with langchain-core.`, "ready"];
  }
  const { passed, failed, errors } = checked;
  return [`Step ${step}: ${passed} pass, ${failed} fail, ${errors} error. The report is below.`, "failed"];
}

// The code editor (site_build/editor/, bundled into assets/editor/ by the Makefile), or a
// plain textarea where it cannot load: either way {element, value, focus}.
const EDITOR = new URL("../editor/editor.js", import.meta.url);
let editorModule = null;

async function makeEditor(host, { doc, label, className, onChange }) {
  editorModule ??= import(EDITOR.href).catch(() => null);
  const module = await editorModule;
  if (module) return module.makeEditor(host, { doc, label, className, onChange });
  const area = element("textarea", className);
  area.spellcheck = false;
  area.setAttribute("aria-label", label);
  area.value = doc;
  area.addEventListener("input", () => onChange(area.value));
  // Tab indents, as in an editor; Esc first lets the next Tab leave (Shift+Tab leaves too).
  let tabLeaves = false;
  area.addEventListener("keydown", (event) => {
    if (event.key === "Tab" && !event.shiftKey && !tabLeaves) {
      event.preventDefault();
      area.setRangeText("    ", area.selectionStart, area.selectionEnd, "end");
      onChange(area.value);
    }
    tabLeaves = event.key === "Escape";
  });
  host.append(area);
  return {
    element: area,
    focus: () => area.focus(),
    get value() {
      return area.value;
    },
    set value(text) {
      area.value = text;
      onChange(text);
    },
  };
}

// The file this exercise starts from: its own, else the latest earlier exercise's, else the
// one file every exercise shared before, else the starter.
function startingCode(step, starter) {
  for (let earlier = step; earlier >= 1; earlier -= 1) {
    const code = localStorage.getItem(storageKey(earlier));
    if (code !== null) return { code, from: earlier === step ? step : `exercise ${earlier} file` };
  }
  const shared = localStorage.getItem(SHARED_KEY);
  if (shared !== null) return { code: shared, from: "file from before each exercise kept its own" };
  return { code: starter, from: null };
}

function seenFailing() {
  try {
    const names = JSON.parse(localStorage.getItem(SEEN_KEY) ?? "[]");
    return Array.isArray(names) ? names.filter((name) => typeof name === "string") : [];
  } catch {
    return []; // as the command line does with a state file it cannot read: ask again
  }
}

function storedFiles() {
  const files = {};
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    const name = key.slice(STORAGE.length);
    if (key.startsWith(STORAGE) && STORED_NAME.test(name)) files[name] = localStorage.getItem(key);
  }
  return files;
}

// Puts back every file of a bundle; the number restored, or what is wrong with the bundle.
function restore(text) {
  let files;
  try {
    ({ files } = JSON.parse(text));
  } catch {
    return "is not JSON.";
  }
  const entries = Object.entries(files ?? {});
  const wrong = ([name, code]) => !STORED_NAME.test(name) || typeof code !== "string";
  if (!entries.length || entries.some(wrong)) {
    return `is not a bundle of exercise files (${BUNDLE}).`;
  }
  for (const [name, code] of entries) localStorage.setItem(STORAGE + name, code);
  return entries.length;
}

function offer(name, text, type) {
  const link = element("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

// The checker lays the report out for the box that shows it, as a terminal that wide would
// (never wider than the command line's 80 columns), so that nothing scrolls sideways.
function columnsOf(pre) {
  const probe = element("span", null, "0".repeat(10));
  pre.append(probe);
  const character = probe.getBoundingClientRect().width / 10;
  probe.remove();
  const style = getComputedStyle(pre);
  const room = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return Math.max(30, Math.min(80, Math.floor(room / character)));
}

// The exercise editors of the page shown, by storage key: another tab's edit shows here.
const editors = new Map();
window.addEventListener("storage", ({ key, newValue }) => {
  const editor = editors.get(key);
  if (editor && newValue !== null && newValue !== editor.value) {
    editor.value = newValue;
    setStatus("Your file was changed in another tab; this editor now shows that change.", "ready");
  }
});

// Every page: on the first load, and after each instant navigation (the theme's document$).
function setUpPage() {
  for (const line of statusLines) if (!line.isConnected) statusLines.delete(line);
  for (const [key, editor] of editors) if (!editor.element.isConnected) editors.delete(key);
  statusText = readyText ?? WAITING;
  for (const widget of document.querySelectorAll(".llmcr-run:not([data-set-up])")) {
    widget.dataset.setUp = "";
    setUpRun(widget);
  }
  for (const widget of document.querySelectorAll(".llmcr-exercise:not([data-set-up])")) {
    widget.dataset.setUp = "";
    setUpExercise(widget).catch((error) => setStatus(`The exercise could not start: ${error.message}`, "failed"));
  }
}

if (window.document$) window.document$.subscribe(setUpPage);
else setUpPage();
