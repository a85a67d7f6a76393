// Lighthouse audit of the Ersatzraum pages (make audit).
//
// Starts the server binary on a free port with an empty data folder, runs
// Lighthouse (mobile profile, the default) with the system Chromium on each
// page, prints the category scores and what kept a category from 100, and
// checks installability with Chromium's own check (Lighthouse 12 has no PWA
// category any more). Reports land in audit/reports/.
//
//   node run.mjs [--bin ../bin/ersatzraum] [/ /join/ABCD-EFGH ...]
import { spawn, execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as chromeLauncher from "chrome-launcher";
import puppeteer from "puppeteer-core";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let bin = resolve(here, "../bin/ersatzraum");
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--bin") bin = resolve(args[++i]);
  else pages.push(args[i]);
}
if (pages.length === 0) pages.push("/", "/join/ABCD-EFGH");

const chromePath = process.env.CHROME_PATH || "/usr/lib/chromium/chromium";
process.env.CHROME_PATH = chromePath;
const chromeFlags = [
  "--headless", "--no-sandbox", "--disable-gpu",
  // This network has no outside hosts: keep Chromium from trying them.
  "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic",
  // A German school's browser: the prerendered page is German. A browser
  // that prefers English gets the page re-rendered in English once the
  // wasm runs, which moves the largest paint to that moment.
  "--lang=de-DE", "--accept-lang=de-DE,de",
];
const categories = ["performance", "accessibility", "best-practices", "seo"];

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); });
    s.on("error", fail);
  });
}

async function startServer() {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), "ersatzraum-audit-"));
  const proc = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, "--data", data, "--log-level", "warn"], { stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(base + "/healthz")).ok) return { base, proc, data }; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill("SIGTERM");
  throw new Error("server did not start: " + bin);
}

async function lighthouse(url, out) {
  const lh = join(here, "node_modules", ".bin", "lighthouse");
  await promisify(execFile)(lh, [
    url, "--quiet", "--output=json", `--output-path=${out}`,
    `--only-categories=${categories.join(",")}`,
    `--chrome-flags=${chromeFlags.join(" ")}`,
  ], { maxBuffer: 64 << 20 });
  return JSON.parse(readFileSync(out, "utf8"));
}

// installability asks Chromium itself whether the page can be installed.
async function installability(url) {
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags });
  try {
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await page.createCDPSession();
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    await browser.disconnect();
    return installabilityErrors.map((e) => e.errorId);
  } finally {
    await chrome.kill();
  }
}

const reports = join(here, "reports");
mkdirSync(reports, { recursive: true });
const srv = await startServer();
let failed = false;
try {
  for (const path of pages) {
    const url = srv.base + path;
    const name = path === "/" ? "home" : path.replace(/^\/|\/$/g, "").replace(/[^a-zA-Z0-9]+/g, "-");
    const report = await lighthouse(url, join(reports, `${name}.json`));
    const scores = categories.map((c) => `${c} ${Math.round(report.categories[c].score * 100)}`);
    console.log(`${path}: ${scores.join(", ")}`);
    for (const c of categories) {
      for (const ref of report.categories[c].auditRefs) {
        const a = report.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1) {
          console.log(`    ${c}: ${a.id} ${Math.round(a.score * 100)}${a.displayValue ? " (" + a.displayValue + ")" : ""}`);
        }
      }
    }
  }
  const errors = await installability(srv.base + "/");
  console.log(errors.length === 0 ? "installable: yes (no installability errors)" : `installable: NO (${errors.join(", ")})`);
  failed = errors.length > 0;
} finally {
  srv.proc.kill("SIGTERM");
  rmSync(srv.data, { recursive: true, force: true });
}
console.log(`reports: ${reports}/`);
process.exit(failed ? 1 : 0);
