"""make test-browser: the pages backprop writes, checked in a real browser (headless Chromium,
Debian's chromium-headless-shell, driven by Playwright for Python).

1. A sweep runs to the end; its page and the page across sweeps, opened as files, load with no
   console error, every image decodes and every link names a file that exists.
2. One run's folder is removed and `summarize` rewrites the page (3 of 4 runs complete);
   `backprop serve` serves the folder. The sweep's page and the index, served, load with no
   console error (a Content-Security-Policy violation is one), every image decodes and every
   link answers 200; the table's best configuration is the API's.
3. `backprop run` trains the missing run while the page is open: the page shows 4 of 4 runs
   and the run's configuration with both seeds, and reloads its figures, without a reload of
   the page (a mark set in the page's window survives).

Everything lives in one temporary folder, removed at the end whatever happens.
Usage: python Tests/Browser/check_pages.py path/to/backprop
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from playwright.sync_api import sync_playwright

BACKPROP = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/backprop")
CHROMIUM = shutil.which("chromium-headless-shell") or "/usr/bin/chromium-headless-shell"
SPEC = {
    "name": "live",
    "description": "A sweep the browser test watches: <b>not bold</b> & escaped",
    "dataset": {"name": "moons", "samples": 120, "validation": 0.25},
    "model": {"layers": [{"units": 8, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
    "loss": "binary_cross_entropy",
    "optimizer": {"name": "adam", "learning_rate": 0.01},
    "training": {"epochs": 150},
    "seeds": [1, 2],
    "grid": {"model.layers[0].units": [4, 8]},
}
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def run(*args):
    result = subprocess.run([BACKPROP, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"backprop {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


def watch_console(page, where):
    errors = []
    page.on("console", lambda m: errors.append(f"{where}: console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{where}: {e}"))
    return errors


def check_images(page, where):
    page.wait_for_load_state("load")
    broken = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
    count = page.evaluate("document.images.length")
    check(not broken, f"{where}: images that do not load: {broken}")
    return count


def wait_until(page, expression, timeout=20):
    """Polls `expression` from here: Playwright's own wait_for_function evaluates a string in
    the page, which the served pages' Content-Security-Policy (rightly) forbids."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if page.evaluate(expression):
            return True
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {expression}")


def links(page):
    return page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")


def check_file_links(page, where):
    hrefs = links(page)
    for href in hrefs:
        url = urllib.parse.urlparse(href)
        check(url.scheme == "file", f"{where}: a link leaves the folder: {href}")
        check(os.path.exists(urllib.parse.unquote(url.path)), f"{where}: a link to nothing: {href}")
    return len(hrefs)


def check_served_links(page, where):
    hrefs = links(page)
    for href in hrefs:
        check(href.startswith("http://127.0.0.1:"), f"{where}: a link leaves the server: {href}")
        try:
            status = NO_PROXY.open(urllib.request.Request(href, method="HEAD")).status
        except urllib.error.HTTPError as e:
            status = e.code
        check(status == 200, f"{where}: {href} answers {status}")
    return len(hrefs)


def main():
    with tempfile.TemporaryDirectory(prefix="backprop-browser-") as tmp:
        results = os.path.join(tmp, "results")
        spec = os.path.join(tmp, "live.json")
        with open(spec, "w") as f:
            json.dump(SPEC, f)
        run("run", spec, "--results", results, "--jobs", "2", "--quiet")
        run("report", results)
        sweep = os.path.join(results, "live")
        serve = None
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                # 1. The static pages, as files.
                for path in [os.path.join(sweep, "index.html"), os.path.join(results, "index.html")]:
                    page = browser.new_page()
                    errors = watch_console(page, path)
                    page.goto("file://" + path)
                    images = check_images(page, path)
                    hrefs = check_file_links(page, path)
                    check(not errors, f"console errors: {errors}")
                    print(f"file {path}: {images} images, {hrefs} links")
                    page.close()
                check(os.path.exists(os.path.join(sweep, "loss.svg")), "the sweep's loss.svg is drawn (gnuplot)")

                # 2. One run gone; the page rewritten; served.
                runs = sorted(os.listdir(os.path.join(sweep, "runs")))
                missing = runs[-1]
                shutil.rmtree(os.path.join(sweep, "runs", missing))
                run("summarize", sweep)
                serve = subprocess.Popen([BACKPROP, "serve", results, "--port", "0"], stdout=subprocess.PIPE, text=True)
                line = serve.stdout.readline()
                port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
                base = f"http://127.0.0.1:{port}/"
                api = json.load(NO_PROXY.open(base + "api/sweeps/live"))
                check(api["runs_total"] == 4 and api["runs_completed"] == 3, f"the API before: {api['progress']}")

                index = browser.new_page()
                errors = watch_console(index, "served index")
                index.goto(base)
                check_images(index, "served index")
                check_served_links(index, "served index")
                check("live" in index.inner_text("table"), "the index lists the sweep")
                check(not errors, f"console errors: {errors}")
                index.close()

                page = browser.new_page()
                errors = watch_console(page, "served sweep page")
                page.goto(base + "live/")
                images = check_images(page, "served sweep page")
                hrefs = check_served_links(page, "served sweep page")
                wait_until(page, "document.documentElement.getAttribute('data-live-updates') !== null", timeout=10)
                check(page.inner_text("#progress") == "3 of 4 runs complete", f"progress before: {page.inner_text('#progress')}")
                best = page.inner_text("#ranked tr:first-child td:nth-child(2)")
                check(best == api["summary"][0]["configuration"], f"the table's best {best!r} is the API's {api['summary'][0]['configuration']!r}")
                check("<b>" not in page.inner_html("body > p:first-of-type") and "&lt;b&gt;" in page.inner_html("body > p:first-of-type"),
                      "the description is text, not markup")
                print(f"served sweep page: {images} images, {hrefs} links, best {best}")

                # 3. The missing run finishes while the page is open.
                page.evaluate("window.backpropMark = 'not reloaded'")
                sources = page.evaluate("Array.from(document.images).map(i => i.getAttribute('src'))")
                run("run", spec, "--results", results, "--quiet")
                wait_until(page, "document.getElementById('progress').textContent === '4 of 4 runs complete'", timeout=20)
                check(page.evaluate("window.backpropMark") == "not reloaded", "the page was reloaded")
                rows = page.eval_on_selector_all("#ranked tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))")
                check(len(rows) == 2 and all(r[3] == "2" for r in rows), f"both configurations with both seeds: {rows}")
                wait_until(page, "Array.from(document.images).every(i => i.getAttribute('src').includes('?v='))", timeout=10)
                check_images(page, "served sweep page after the run")
                after = page.evaluate("Array.from(document.images).map(i => i.getAttribute('src'))")
                check([s.split("?")[0] for s in after] == sources, f"the same figures, reloaded: {after}")
                check(not errors, f"console errors: {errors}")
                print(f"live: {page.inner_text('#progress')}, {len(rows)} rows, figures reloaded; run {missing} appeared without a reload")
                page.close()
            finally:
                browser.close()
                if serve:
                    serve.terminate()
                    serve.wait(timeout=10)
    if failures:
        raise SystemExit(f"{len(failures)} browser check(s) failed")
    print("browser checks passed")


if __name__ == "__main__":
    main()
