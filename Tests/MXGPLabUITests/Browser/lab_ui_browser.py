#!/usr/bin/python3
"""Drives headless Chromium (Debian's chromium + chromium-driver, python3-selenium) against
`mxgp lab ui` on a real running lab. Run by LabUIBrowserTests (Swift) after it brought the lab
up; usable by hand:

  /usr/bin/python3 lab_ui_browser.py --mxgp .build/debug/mxgp --lab quickstart \
      [--lab-dir DIR] --screens DIR [--report-html FILE] [--docs-screenshot FILE]

Checks, each failing the run with a message:
  1. the page loads with no console errors and shows every node and link of the lab;
  2. a cut made from the page appears in `mxgp lab status --json`;
  3. a cut made with `mxgp lab fault` appears on the page within 2 s;
  4. a message sent with `mxgp lab send` is drawn along the hops its mailbox copy records;
  5. a fault on an unknown node shows a visible error.
Screenshots go to --screens (page.png, page-cut.png, page-mail.png, page-error.png and
report.png when --report-html is given). Prints one JSON line of figures at the end.
"""
import argparse, ctypes, json, os, shutil, signal, subprocess, sys, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


class Failure(Exception):
    pass


def die_with_parent():
    """In the child: SIGTERM when this script dies (even by SIGKILL), so no server outlives it."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def out_of_time(signum, frame):
    raise Failure("the browser test took more than %d s" % TIME_LIMIT)


TIME_LIMIT = 240  # below the Swift test's limit, so the cleanup below always runs


def wait_for(what, predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise Failure("timed out after %.1f s waiting for %s" % (timeout, what))


class Run:
    def __init__(self, args):
        self.args = args
        if args.lab_dir:
            os.environ["MXGP_LAB_DIR"] = args.lab_dir  # every mxgp command below finds the lab there
        self.server = None
        self.driver = None
        self.figures = {}

    def mxgp(self, *words, check=True, timeout=120):
        argv = [self.args.mxgp, *words]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise Failure("`%s` failed (%d): %s" % (" ".join(argv), result.returncode, result.stderr.strip()))
        return result

    def start_server(self):
        argv = [self.args.mxgp, "lab", "ui", self.args.lab, "--listen", "127.0.0.1:%d" % self.args.port]
        self.server = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=die_with_parent)
        line = self.server.stdout.readline()
        if "live page is at" not in line:
            self.server.kill()
            raise Failure("`mxgp lab ui` did not start: %r %s" % (line, self.server.stderr.read()))
        # "lab NAME: the live page is at http://127.0.0.1:PORT/ (…)": port 0 picks a free one.
        self.url = line.split(" is at ", 1)[1].split(" ", 1)[0]

    def start_browser(self):
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1500,950",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(30)

    def console_errors(self):
        return [entry for entry in self.driver.get_log("browser") if entry.get("level") == "SEVERE"]

    def js(self, script):
        return self.driver.execute_script(script)

    def screenshot(self, name):
        path = os.path.join(self.args.screens, name)
        self.driver.save_screenshot(path)
        return path

    def page_faults(self):
        return [f for f in (self.js("return document.body.dataset.faults") or "").split("|") if f]

    def status_faults(self):
        return json.loads(self.mxgp("lab", "status", self.args.lab, "--json").stdout)["faults"]

    def wait_converged(self, timeout=60):
        wait_for("the lab to converge again", lambda: json.loads(self.mxgp("lab", "status", self.args.lab, "--json").stdout)["converged"], timeout, 0.5)

    def check_load(self):
        lab = json.loads(urllib.request.urlopen(self.url + "api/lab", timeout=10).read())
        started = time.monotonic()
        self.driver.get(self.url)
        wait_for("the page to draw the graph", lambda: self.js("return document.body.dataset.ready === 'true'"), 10)
        self.figures["pageLoadSeconds"] = round(time.monotonic() - started, 3)
        self.figures["firstPaintMs"] = self.js("return window.mxgpFirstPaint")
        nodes = self.js("return Array.from(document.querySelectorAll('#nodes g.node')).map(g => g.getAttribute('data-node'))")
        links = self.js("return Array.from(document.querySelectorAll('#links path.link')).map(p => p.getAttribute('data-link'))")
        expected_nodes = sorted(n["name"] for n in lab["nodes"])
        expected_links = sorted("|".join(sorted([l["from"], l["to"]])) for l in lab["links"])
        if sorted(nodes) != expected_nodes:
            raise Failure("the page shows nodes %s, the lab has %s" % (sorted(nodes), expected_nodes))
        if sorted(links) != expected_links:
            raise Failure("the page shows links %s, the lab has %s" % (sorted(links), expected_links))
        wait_for("live state (every session up)", lambda: self.js(
            "return Array.from(document.querySelectorAll('#links path.link')).every(p => p.getAttribute('data-session') === 'up')"), 15)
        wait_for("the live badge", lambda: self.js("return document.getElementById('live').textContent === 'live'"), 5)
        errors = self.console_errors()
        if errors:
            raise Failure("console errors on load: %s" % errors)
        self.screenshot("page.png")

    def check_cut_from_page(self):
        box = self.driver.find_element(By.ID, "fault-text")
        box.clear()
        box.send_keys("cut colo1 up1")
        self.driver.find_element(By.ID, "fault-apply").click()
        wait_for("the page to confirm the cut", lambda: self.driver.find_element(By.ID, "info").is_displayed(), 30)
        faults = self.status_faults()
        if "cut colo1 up1" not in faults:
            raise Failure("a cut made from the page is not in `mxgp lab status`: %s" % faults)
        wait_for("the cut drawn on the link", lambda: self.js(
            "return document.getElementById('link-colo1--up1').classList.contains('faulted')"), 2)
        self.screenshot("page-cut.png")
        self.mxgp("lab", "heal", self.args.lab)
        wait_for("the page to drop the healed cut", lambda: self.page_faults() == [], 5)

    def check_cut_from_cli(self):
        self.mxgp("lab", "fault", self.args.lab, "cut", "colo2", "up1")
        applied = time.monotonic()
        wait_for("a `mxgp lab fault` cut on the page", lambda: "cut colo2 up1" in self.page_faults(), 2, 0.02)
        self.figures["faultToPageSeconds"] = round(time.monotonic() - applied, 3)
        self.mxgp("lab", "heal", self.args.lab)
        wait_for("the page to drop the healed cut", lambda: self.page_faults() == [], 5)
        self.wait_converged()

    def check_mail_path(self):
        address = "uitest-%d@bob.example" % int(time.time() * 1000)
        self.mxgp("lab", "send", self.args.lab, "--from", "colo1", "--to", address)

        def hops():
            result = self.mxgp("lab", "ctl", self.args.lab, "colo2", "mailbox", address, "--json", check=False)
            if result.returncode != 0:
                return None
            messages = json.loads(result.stdout).get("messages", [])
            return messages[0]["hops"] if messages else None
        real = wait_for("the message in bob's mailbox", hops, 20, 0.3)
        wanted = " ".join(real)
        drawn = wait_for("the message drawn on the page", lambda: self.js(
            "return Array.from(document.querySelectorAll('#mail-paths path.mail')).map(p => p.getAttribute('data-hops'))"
            ".filter(h => h === %s).length > 0 && document.querySelector('#mail-list li[data-status=\"delivered\"]') !== null" % json.dumps(wanted)), 5)
        if not drawn:
            raise Failure("the page does not draw %s" % wanted)
        listed = self.js("return Array.from(document.querySelectorAll('#mail-list li')).map(li => li.textContent).join('\\n')")
        if address not in listed:
            raise Failure("the mail list does not show %s: %s" % (address, listed))
        self.figures["mailHops"] = real
        self.driver.find_element(By.CSS_SELECTOR, "#node-colo1").click()
        wait_for("colo1's routes", lambda: "Routes" in self.driver.find_element(By.ID, "detail").text, 10)
        detail = self.driver.find_element(By.ID, "detail").text
        for word in ["bob.example", "Next hops", "Queue", "Ledger"]:
            if word not in detail:
                raise Failure("colo1's detail lacks %r: %s" % (word, detail[:400]))
        self.screenshot("page-mail.png")

    def check_unknown_node(self):
        box = self.driver.find_element(By.ID, "fault-text")
        box.clear()
        box.send_keys("pause ghost")
        self.driver.find_element(By.ID, "fault-apply").click()
        error = wait_for("a visible error", lambda: self.driver.find_element(By.ID, "error").is_displayed() and self.driver.find_element(By.ID, "error").text, 10)
        if "ghost" not in error:
            raise Failure("the error does not name the unknown node: %r" % error)
        if self.status_faults():
            raise Failure("a refused fault was recorded: %s" % self.status_faults())
        self.screenshot("page-error.png")
        # The refused request is a 400; Chromium logs failed fetches as console errors, so only
        # errors other than that one count.
        errors = [e for e in self.console_errors() if "/api/faults" not in e.get("message", "")]
        if errors:
            raise Failure("console errors: %s" % errors)

    def report_screenshot(self):
        if not self.args.report_html:
            return
        self.driver.get("file://" + os.path.abspath(self.args.report_html))
        wait_for("the report's timeline", lambda: self.js("return document.querySelector('svg.timeline') !== null"), 10)
        self.driver.set_window_size(1500, max(950, self.js("return document.body.scrollHeight") + 40))
        self.screenshot("report.png")

    def run(self):
        os.makedirs(self.args.screens, exist_ok=True)
        try:
            self.start_server()
            self.start_browser()
            self.check_load()
            self.check_cut_from_page()
            self.check_cut_from_cli()
            self.check_mail_path()
            if self.args.docs_screenshot:
                os.makedirs(os.path.dirname(os.path.abspath(self.args.docs_screenshot)), exist_ok=True)
                shutil.copyfile(os.path.join(self.args.screens, "page-mail.png"), self.args.docs_screenshot)
            self.check_unknown_node()
            self.report_screenshot()
        finally:
            if self.driver:
                self.driver.quit()
            if self.server:
                self.server.terminate()
                try:
                    self.server.wait(10)
                except subprocess.TimeoutExpired:
                    self.server.kill()
                    raise Failure("`mxgp lab ui` did not stop within 10 s of SIGTERM")
        print(json.dumps(self.figures))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mxgp", required=True)
    parser.add_argument("--lab", required=True)
    parser.add_argument("--lab-dir")
    parser.add_argument("--port", type=int, default=0, help="0 (the default) takes a free port")
    parser.add_argument("--screens", required=True)
    parser.add_argument("--report-html")
    parser.add_argument("--docs-screenshot")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(TIME_LIMIT)
    try:
        Run(args).run()
    except Failure as failure:
        print("FAILED: %s" % failure, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
