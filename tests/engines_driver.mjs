// Calls the page API `window.llmCacheReference` in Chromium or Firefox through puppeteer-core
// (Firefox over WebDriver BiDi), with Debian's browser binaries: nothing is downloaded.
// tests/engines.py starts it; WebKit is driven from Python (Selenium) instead, since
// puppeteer cannot drive WebKitGTK.
//
// Usage: node tests/engines_driver.mjs ENGINE EXECUTABLE URL FLAGS_JSON < JOBS_JSON
// JOBS_JSON is a list of {call, args}: a method of the page API and its arguments. One JSON
// line is printed when the runtime is ready ({ready: seconds, info}), then one per job
// ({value} or {thrown}), as each finishes, so the caller can show progress.
import puppeteer from "puppeteer-core";

const [engine, executablePath, url, flags] = process.argv.slice(2);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const jobs = JSON.parse(input);
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

// A check in WebKit-slow machines can take minutes; the page's own watchdog bounds it.
const LONG = 600_000;
const browser = await puppeteer.launch({
  browser: engine === "firefox" ? "firefox" : "chrome",
  executablePath,
  headless: true,
  args: JSON.parse(flags),
  protocolTimeout: LONG,
  defaultViewport: { width: 1280, height: 900 },
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(LONG);
  const started = performance.now();
  await page.goto(url, { waitUntil: "load" });
  const info = await page.evaluate(async () => {
    await window.llmCacheReference.ready();
    return window.llmCacheReference.info;
  });
  say({ ready: (performance.now() - started) / 1000, info });
  for (const { call, args } of jobs) {
    say(
      await page.evaluate(
        async (call, args) => {
          try {
            return { value: await window.llmCacheReference[call](...args) };
          } catch (error) {
            return { thrown: `${error.name}: ${error.message}` };
          }
        },
        call,
        args,
      ),
    );
  }
} finally {
  await browser.close();
}
