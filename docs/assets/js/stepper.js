// "Step through": one behaviour case run line by line in the page's Python, the source with
// the current line marked, the state once the line has run, and langchain-core's events
// beside the helper's, the first difference highlighted. Everything shown comes from
// llm_cache_reference.trace.page (via in_browser.step_through): this file only lays it out.
//
// Where it appears:
//   <div class="llmcr-stepper" data-case="NAME"></div>   the behaviour matrix: the reference
//   an exercise's report: after a check, one button per failing case (the learner's code);
//   python-in-page.js announces each check with an "llmcr-checked" event.

const api = () => window.llmCacheReference;

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function button(label, onClick, className = "") {
  const made = element("button", `md-button llmcr-button ${className}`.trim(), label);
  made.type = "button";
  made.addEventListener("click", onClick);
  return made;
}

let panels = 0;

// Load the trace of `caseName` (on `source`, or on the reference) into `host`.
async function open(host, caseName, source, trigger) {
  const clicked = performance.now();
  trigger.disabled = true;
  const status = host.querySelector(".llmcr-stepper-status") || element("p", "llmcr-stepper-status");
  status.setAttribute("role", "status");
  host.append(status);
  status.textContent = "Loading Python and tracing the case…";
  let stepped;
  try {
    await api().ready();
    const ready = performance.now();
    stepped = await api().stepThrough(caseName, source);
    host.dataset.msFromReady = String(Math.round(performance.now() - ready));
    host.dataset.msFromClick = String(Math.round(performance.now() - clicked));
  } catch (error) {
    status.textContent = `Python could not trace it: ${error.message}`;
    trigger.disabled = false;
    return;
  }
  trigger.disabled = false;
  if (!stepped.stepper) {
    status.textContent = stepped.problem;
    return;
  }
  status.remove();
  host.querySelector(".llmcr-stepper-panel")?.remove();
  const panel = render(stepped.stepper, source === null ? "reference" : "yours");
  host.append(panel);
  panel.querySelector("h4").focus();
}

function render(data, whose) {
  const id = `llmcr-stepper-${panels++}`;
  const steps = data.steps;
  const panel = element("section", "llmcr-stepper-panel");
  panel.setAttribute("aria-labelledby", `${id}-title`);
  const title = element("h4", "llmcr-stepper-title", `Stepping through ${data.case}`);
  title.id = `${id}-title`;
  title.tabIndex = -1;
  const about = element("p", "llmcr-stepper-about", `${data.title} Traced: ${data.path}.`);

  const bar = element("div", "llmcr-stepper-bar");
  const first = button("First", () => go(0));
  const previous = button("Previous", () => go(at - 1));
  const next = button("Next", () => go(at + 1));
  const last = button("Last", () => go(steps.length - 1));
  const slider = element("input", "llmcr-stepper-slider");
  slider.type = "range";
  slider.min = "1";
  slider.max = String(Math.max(steps.length, 1));
  slider.setAttribute("aria-label", "Step");
  slider.addEventListener("input", () => go(Number(slider.value) - 1));
  const count = element("span", "llmcr-stepper-count");
  bar.append(first, previous, next, last);
  if (data.difference_step !== null) {
    bar.append(button("First difference", () => go(data.difference_step), "llmcr-stepper-jump"));
  }
  bar.append(slider, count);

  // What the step did, in words: read out as it changes.
  const said = element("p", "llmcr-stepper-words");
  said.setAttribute("aria-live", "polite");

  const verdict = element("p", "llmcr-stepper-verdict");
  if (data.first_difference === null) {
    verdict.textContent =
      `The timelines agree, event by event (${data.expected.length} events).`;
  } else {
    const n = data.first_difference;
    const theirs = data.expected[n]?.text ?? "nothing (it had ended)";
    const ended = data.stopped ? "nothing (it was stopped)" : "nothing (it had ended)";
    const mine = data.timeline[n]?.text ?? ended;
    verdict.textContent =
      `First difference: event ${n + 1}. langchain-core: ${theirs}. ` +
      `${whose === "yours" ? "Yours" : "The reference"}: ${mine}.` +
      (data.stopped ? ` Stopped: ${data.stopped}.` : "");
    verdict.dataset.differs = "true";
  }

  const grid = element("div", "llmcr-stepper-grid");
  const sourceBox = element("div", "llmcr-stepper-box llmcr-stepper-source");
  const sourceTitle = element("h5", "", "Source");
  const code = element("pre");
  code.setAttribute("aria-label", "Source, the current line marked");
  sourceBox.append(sourceTitle, code);

  const stateBox = element("div", "llmcr-stepper-box llmcr-stepper-state");
  const state = element("dl");
  const stateTitle = element("h5", "", "State");
  stateBox.append(stateTitle, state);

  const eventsBox = element("div", "llmcr-stepper-box llmcr-stepper-events");
  const table = element("table");
  const caption = element("caption", "", "Events: langchain-core's beside this run's");
  const head = element("tr");
  for (const label of ["#", "langchain-core", whose]) head.append(element("th", "", label));
  head.querySelectorAll("th").forEach((th) => th.setAttribute("scope", "col"));
  table.append(caption, element("thead"), element("tbody"));
  table.tHead.append(head);
  const rows = [];
  const total = Math.max(data.expected.length, data.timeline.length);
  for (let n = 0; n < total; n++) {
    const row = element("tr");
    row.append(
      element("td", "", String(n + 1)),
      element("td", "", data.expected[n]?.text ?? "—"),
      element("td", "", data.timeline[n]?.text ?? "—"),
    );
    if (n === data.first_difference) {
      row.dataset.differs = "true";
      const mark = element("span", "llmcr-stepper-mark", " ≠");
      mark.setAttribute("aria-label", ", the first difference");
      mark.setAttribute("role", "img");
      row.firstChild.append(mark);
    }
    table.tBodies[0].append(row);
    rows.push(row);
  }
  eventsBox.append(element("h5", "", "Events"), table);
  grid.append(sourceBox, stateBox, eventsBox);

  panel.append(title, about, bar, said, verdict, grid);

  let at = 0;
  function go(index) {
    if (!steps.length) {
      said.textContent = `No line of ${data.path} ran.`;
      return;
    }
    at = Math.min(Math.max(index, 0), steps.length - 1);
    const step = steps[at];
    slider.value = String(at + 1);
    const position = `Step ${at + 1} of ${steps.length}`;
    count.textContent = position;
    slider.setAttribute("aria-valuetext", `${position}: line ${step.line}`);
    // aria-disabled, not disabled: a disabled button drops the keyboard's focus.
    for (const control of [first, previous]) control.setAttribute("aria-disabled", String(at === 0));
    for (const control of [next, last]) {
      control.setAttribute("aria-disabled", String(at === steps.length - 1));
    }
    const here = at === data.difference_step ? " This step made the first difference." : "";
    said.textContent = `${position}. ${step.words}${here}`;
    panel.dataset.step = String(at);
    showSource(step);
    showState(step);
    rows.forEach((row, n) => {
      row.dataset.happened = String(n < step.events_so_far);
      row.dataset.now = String(step.events.includes(n));
    });
  }

  function showSource(step) {
    const lines = data.source[step.function] || [[step.line, ""]];
    sourceTitle.textContent = `${step.function}, in ${data.path}`;
    code.replaceChildren();
    let current = null;
    for (const [number, text] of lines) {
      const line = element("span", "llmcr-stepper-line");
      line.append(element("span", "llmcr-stepper-number", String(number).padStart(4)), ` ${text}\n`);
      if (number === step.line) {
        line.dataset.current = step.kind;
        line.setAttribute("aria-current", "step");
        current = line;
      }
      code.append(line);
    }
    // Scroll the source box only, never the page.
    if (current) code.scrollTop = current.offsetTop - code.clientHeight / 2;
  }

  function showState(step) {
    stateTitle.textContent = `State once the step has run (locals of ${step.function})`;
    state.replaceChildren();
    const entry = (name, value, changed = false) => {
      const term = element("dt", "", name);
      const detail = element("dd", "", value);
      if (changed) detail.dataset.changed = "true";
      state.append(term, detail);
    };
    const changed = new Set(step.changed.map(([name]) => name));
    const wrote = step.events.some((n) => data.timeline[n].kind === "write");
    if (step.existing_prompts !== null) entry("existing_prompts", step.existing_prompts, wrote);
    const called = step.events.some((n) => data.timeline[n].kind === "call");
    entry("cache contents", step.cached.join("\n") || "no cache in play", called);
    entry("calls so far", callsSoFar(step) || "(none)", called);
    for (const [name, value] of step.locals) {
      if (name !== "existing_prompts") entry(name, value, changed.has(name));
    }
  }

  function callsSoFar(step) {
    return data.timeline
      .slice(0, step.events_so_far)
      .filter((event) => event.kind === "call")
      .map((event) => event.text)
      .join("\n");
  }

  panel.addEventListener("keydown", (event) => {
    if (event.target === slider || event.altKey || event.ctrlKey || event.metaKey) return;
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: steps.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      go(moves[event.key]);
    }
  });

  go(data.difference_step ?? 0);
  return panel;
}

// The behaviour matrix: one control per case, on the reference. Set up on every page the
// theme shows, the first and each one reached by its instant navigation (document$).
function setUpPage() {
  for (const host of document.querySelectorAll(".llmcr-stepper[data-case]:not([data-set-up])")) {
    host.dataset.setUp = "";
    const { case: caseName, helper } = host.dataset;
    const label = `Step through ${helper}`;
    const trigger = button(label, () => open(host, caseName, null, trigger));
    // The visible words first, so that a voice command saying them finds the button.
    trigger.setAttribute("aria-label", `${label}: the case ${caseName}, line by line`);
    host.append(trigger);
  }
}

if (window.document$) window.document$.subscribe(setUpPage);
else setUpPage();

// An exercise page: after each check, one control per failing case, on the learner's code.
document.addEventListener("llmcr-checked", ({ target, detail }) => {
  const report = target.querySelector(".llmcr-output") || target;
  let list = target.querySelector(".llmcr-stepper-failing");
  list?.remove();
  if (!detail.failing.length) return;
  list = element("div", "llmcr-stepper-failing llmcr-stepper");
  list.append(
    element("p", "llmcr-stepper-lead", "Step through a case that fails, line by line, beside langchain-core:"),
  );
  const buttons = element("div", "llmcr-buttons");
  for (const caseName of detail.failing) {
    const trigger = button(`Step through ${caseName}`, () => open(list, caseName, detail.source, trigger));
    buttons.append(trigger);
  }
  list.append(buttons);
  report.after(list);
});
