// Builds the bundle the server serves: src/writersroom/web/static/{index.html, app.js, app.css}.
// Deterministic: pinned esbuild and packages (package-lock.json), no timestamps, no source maps,
// no absolute paths, so CI can check that a rebuild equals what is committed.
//
//   npm ci && node build.mjs            (or: make web)
//   node build.mjs --out DIR            build elsewhere (the bundle check compares DIR to static/)

import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const flag = process.argv.indexOf("--out");
const out = flag > 0 ? resolve(process.argv[flag + 1]) : join(here, "..", "src", "writersroom", "web", "static");
mkdirSync(out, { recursive: true });

await build({
  absWorkingDir: here,
  entryPoints: { app: "src/main.js" },
  outdir: out,
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
});
await build({
  absWorkingDir: here,
  entryPoints: { app: "src/app.css" },
  outdir: out,
  bundle: true,
  minify: true,
  charset: "utf8",
  logLevel: "warning",
});
copyFileSync(join(here, "src", "index.html"), join(out, "index.html"));
