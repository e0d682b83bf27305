// Bundles editor.js and the CodeMirror packages it imports (node_modules, pinned by
// package-lock.json) into one module for the site, with the licence of every package in it
// beside it. Run by the Makefile: node site_build/editor/build.mjs OUT_DIR
import { build } from "esbuild";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
mkdirSync(out, { recursive: true });
const { metafile } = await build({
  entryPoints: [new URL("editor.js", import.meta.url).pathname],
  bundle: true,
  format: "esm",
  minify: true,
  outfile: join(out, "editor.js"),
  metafile: true,
  logLevel: "warning",
});
const packages = new Set();
for (const input of Object.keys(metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.add(match[1]);
}
const licences = [...packages].sort().map((name) => {
  const folder = join("node_modules", name);
  const { version, license } = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((entry) => /^licen[cs]e/i.test(entry));
  if (!file) throw new Error(`${name} ships no licence file`);
  return `${name} ${version} (${license})\n\n${readFileSync(join(folder, file), "utf8").trim()}\n`;
});
writeFileSync(join(out, "LICENSES.txt"), licences.join(`\n${"-".repeat(72)}\n\n`));
console.log(`bundled docs' editor: ${packages.size} packages into ${out}/editor.js`);
