// Lighthouse audit of the Ersatzraum pages (make audit).
//
// Starts the server binary on a free port with an empty data folder, makes
// a teacher, a class with one student and an assignment (setUp), runs
// Lighthouse (mobile profile, the default) with the system Chromium on each
// page, for a German and an English browser, several times; prints each
// run's scores and what kept a category from 100, then a table of the
// medians for the README; and checks installability with Chromium's own
// check (Lighthouse 12 has no PWA category any more). Reports land in
// audit/reports/.
//
//   node run.mjs [--bin ../bin/ersatzraum] [--runs 3] [--lang de,en] [/ /join/CODE /s/TOKEN ...]
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
let runs = 3;
let langs = ["de", "en"];
let floor = "";
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--bin") bin = resolve(args[++i]);
  else if (args[i] === "--runs") runs = parseInt(args[++i], 10);
  else if (args[i] === "--lang") langs = args[++i].split(",");
  // --floor DIR: audit the smallest go-app program instead (audit/floor,
  // make audit-floor), built into DIR (DIR/floor, DIR/web/app.wasm).
  else if (args[i] === "--floor") floor = resolve(args[++i]);
  else pages.push(args[i]);
}
// The pages a new visitor opens first: the start page, a class's join
// page, a student's personal link and that student's board. CODE and
// TOKEN are replaced by a real class's code and a real student's link
// (setUp).
if (pages.length === 0 && floor) pages.push("/");
if (pages.length === 0) pages.push("/", "/join/CODE", "/s/TOKEN", "/s/TOKEN/aufgaben");

const chromePath = process.env.CHROME_PATH || "/usr/lib/chromium/chromium";
process.env.CHROME_PATH = chromePath;
const baseFlags = [
  "--headless", "--no-sandbox", "--disable-gpu",
  // This network has no outside hosts: keep Chromium from trying them.
  "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic",
];
// A German school's browser, and one that prefers English: each gets the
// page prerendered in its language (README, "The first page in the
// visitor's language").
const langFlags = {
  de: ["--lang=de-DE", "--accept-lang=de-DE,de"],
  en: ["--lang=en-US", "--accept-lang=en-US,en"],
};
const chromeFlags = [...baseFlags, ...langFlags.de];
const categories = ["performance", "accessibility", "best-practices", "seo"];
const metrics = [
  ["first-contentful-paint", "FCP", "ms"],
  ["largest-contentful-paint", "LCP", "ms"],
  ["total-blocking-time", "TBT", "ms"],
  ["cumulative-layout-shift", "CLS", ""],
  ["speed-index", "SI", "ms"],
];

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
  const proc = floor
    ? spawn(join(floor, "floor"), [`127.0.0.1:${port}`], { cwd: floor, stdio: ["ignore", "ignore", "inherit"] })
    : spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, "--data", data, "--log-level", "warn"], { stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(base + (floor ? "/" : "/healthz"))).ok) return { base, proc, data }; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill("SIGTERM");
  throw new Error("server did not start: " + bin);
}

// setUp makes what the pages need, as a teacher would: an account (the
// CLI's login link), a class with one student, and one assignment on
// the class's board. It returns the class code and the student's token.
async function setUp(srv) {
  const { stdout } = await promisify(execFile)(bin, ["teacher", "add", "Audit", "--data", srv.data, "--public-url", srv.base]);
  const token = /[?&]token=([0-9a-f]+)/.exec(stdout);
  if (!token) throw new Error("teacher add printed no login link: " + stdout);
  const login = await fetch(srv.base + "/login", {
    method: "POST", redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: srv.base },
    body: "token=" + token[1],
  });
  const cookie = (login.headers.getSetCookie() || []).map((c) => c.split(";")[0]).join("; ");
  if (!cookie) throw new Error("login gave no session: " + login.status);
  const api = async (method, path, body) => {
    const res = await fetch(srv.base + path, {
      method, headers: { Cookie: cookie, Origin: srv.base, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const cls = await api("POST", "/api/classes", { name: "7b" });
  await api("POST", `/api/classes/${cls.id}/students`, { names: ["Lea Schulz"] });
  await api("POST", `/api/classes/${cls.id}/board`, {
    title: "Bruchrechnen", body: "Buch S. 42, Aufgaben 1 bis 5. Schreibt den Rechenweg auf.", graceMinutes: 0,
  });
  const detail = await api("GET", `/api/classes/${cls.id}`);
  const link = new URL(detail.students[0].link);
  return { code: detail.code, token: link.pathname.split("/")[2] };
}

async function lighthouse(url, out, lang) {
  const lh = join(here, "node_modules", ".bin", "lighthouse");
  await promisify(execFile)(lh, [
    url, "--quiet", "--output=json", `--output-path=${out}`,
    `--only-categories=${categories.join(",")}`,
    `--chrome-flags=${[...baseFlags, ...langFlags[lang]].join(" ")}`,
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

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const fmt = (v, unit) => unit === "ms" ? (v / 1000).toFixed(1).replace(".", ",") + " s" : v.toFixed(2).replace(".", ",");

const reports = join(here, "reports");
mkdirSync(reports, { recursive: true });
const srv = await startServer();
let failed = false;
try {
  const made = floor ? { code: "", token: "" } : await setUp(srv);
  const rows = [];
  for (const page of pages) {
    const path = page.replace("CODE", made.code).replace("TOKEN", made.token);
    for (const lang of langs) {
      const results = [];
      for (let run = 1; run <= runs; run++) {
        const name = (page === "/" ? "home" : page.replace(/^\/|\/$/g, "").replace(/[^a-zA-Z0-9]+/g, "-")) + `-${lang}-${run}`;
        const report = await lighthouse(srv.base + path, join(reports, `${name}.json`), lang);
        const r = { scores: {}, metrics: {}, lost: [] };
        for (const c of categories) r.scores[c] = Math.round(report.categories[c].score * 100);
        for (const [id, short] of metrics) r.metrics[short] = report.audits[id].numericValue;
        for (const c of categories) {
          for (const ref of report.categories[c].auditRefs) {
            const a = report.audits[ref.id];
            if (ref.weight > 0 && a.score !== null && a.score < 1) {
              r.lost.push(`${c}: ${a.id} ${Math.round(a.score * 100)}${a.displayValue ? " (" + a.displayValue + ")" : ""}`);
            }
          }
        }
        results.push(r);
        console.log(`${page} ${lang} run ${run}: ${categories.map((c) => `${c} ${r.scores[c]}`).join(", ")}; ` +
          metrics.map(([, short, unit]) => `${short} ${fmt(r.metrics[short], unit)}`).join(", "));
        for (const l of r.lost) console.log("    " + l);
      }
      rows.push({ page, lang, results });
    }
  }
  // The README's table: performance of each run, the median of each metric.
  console.log(`\n| page | language | performance (${runs} runs) | ${metrics.map(([, s]) => s).join(" | ")} (median) | accessibility | best practices | SEO |`);
  console.log(`| --- | --- | --- | ${metrics.map(() => "---").join(" | ")} | --- | --- | --- |`);
  for (const { page, lang, results } of rows) {
    const m = metrics.map(([, short, unit]) => fmt(median(results.map((r) => r.metrics[short])), unit));
    const other = ["accessibility", "best-practices", "seo"].map((c) => median(results.map((r) => r.scores[c])));
    console.log(`| \`${page}\` | ${lang} | ${results.map((r) => r.scores.performance).join(" / ")} | ${m.join(" | ")} | ${other.join(" | ")} |`);
  }
  const errors = floor ? [] : await installability(srv.base + "/");
  console.log(errors.length === 0 ? "installable: yes (no installability errors)" : `installable: NO (${errors.join(", ")})`);
  failed = errors.length > 0;
} finally {
  srv.proc.kill("SIGTERM");
  rmSync(srv.data, { recursive: true, force: true });
}
console.log(`reports: ${reports}/`);
process.exit(failed ? 1 : 0);
