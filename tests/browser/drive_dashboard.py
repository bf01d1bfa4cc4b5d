"""Drives the web page in Debian's headless chromium (selenium), as a user would:
sign up, add a target, see it turn up, see it go down when its server fails (the C++ test
flips it when this prints UP-SEEN), open its details, then see the public status page show the
same without signing in, leaking nothing private, and then show planned maintenance as maintenance,
not as an outage. Screenshots go to SHOT_DIR.

    drive_dashboard.py BASE_URL SITE_URL SHOT_DIR
"""
import datetime
import json
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait as SeleniumWait

base, site, shots = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]


def say(line):
    print(line, flush=True)


def WebDriverWait(driver, seconds):
    # The page redraws its table every few seconds: an element found just before a redraw is
    # stale when read. That is a reason to look again, not a failure.
    return SeleniumWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException])


def state_of(driver, target):
    rows = driver.find_elements(By.CSS_SELECTOR, 'tr[data-id="%s"] .state' % target)
    return rows[0].text if rows else None


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1000"):
    options.add_argument(arg)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    wait = WebDriverWait(driver, 30)
    driver.get(base + "/")
    wait.until(ec.visibility_of_element_located((By.ID, "signin")))
    driver.find_element(By.ID, "email").send_keys("ops@example.com")
    driver.find_element(By.ID, "password").send_keys("correct horse battery")
    driver.find_element(By.ID, "signup-button").click()
    wait.until(ec.visibility_of_element_located((By.ID, "dashboard")))
    say("SIGNED-IN")

    driver.find_element(By.ID, "add-id").send_keys("shop")
    driver.find_element(By.ID, "add-url").send_keys(site)
    interval = driver.find_element(By.ID, "add-interval")
    interval.clear()
    interval.send_keys("1s")
    driver.find_element(By.ID, "add-button").click()
    WebDriverWait(driver, 30).until(lambda d: state_of(d, "shop") == "up")
    say("UP-SEEN")
    WebDriverWait(driver, 40).until(lambda d: state_of(d, "shop") == "down")
    say("DOWN-SEEN")
    uptime = WebDriverWait(driver, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, 'tr[data-id="shop"] td')[2].text or None)
    assert uptime.endswith("%") and uptime != "100.00 %", "24 h uptime shows the failure: " + uptime
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, 'tr[data-id="shop"] td').click() or True)
    WebDriverWait(driver, 20).until(lambda d: "Uptime: 24 h" in d.find_element(By.ID, "details-uptime").text)
    bars = driver.find_elements(By.CSS_SELECTOR, "#details-bars span")
    assert len(bars) == 90, "90 bars, got %d" % len(bars)
    assert any(b.get_attribute("class") in ("down", "mixed") for b in bars), "a bar shows the failure"
    legend = driver.find_element(By.ID, "details-legend").text
    assert "connect" in legend, legend
    lines = driver.find_elements(By.CSS_SELECTOR, "#details-chart polyline")
    assert len(lines) >= 2, "the chart draws p95 and the phases: %d lines" % len(lines)

    # Edit: the interval changes through the form (PATCH), and the row stays.
    driver.find_element(By.XPATH, '//tr[@data-id="shop"]//button[text()="Edit"]').click()
    interval = driver.find_element(By.ID, "add-interval")
    interval.clear()
    interval.send_keys("2s")
    driver.find_element(By.ID, "add-button").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "add-button").text == "Add")
    req = urllib.request.Request(base + "/api/v1/targets/shop", headers={
        "Authorization": "Bearer " + driver.execute_script("return sessionStorage.getItem('watchpost.token')")})
    assert json.loads(urllib.request.urlopen(req, timeout=10).read())["interval"] == "2s", "the edit was saved"
    driver.find_element(By.CSS_SELECTOR, 'tr[data-id="shop"] td').click()
    WebDriverWait(driver, 20).until(lambda d: "Uptime: 24 h" in d.find_element(By.ID, "details-uptime").text)
    driver.save_screenshot(shots + "/dashboard.png")

    # A public page of the target (through the API, with the signed-in user's token).
    token = driver.execute_script("return sessionStorage.getItem('watchpost.token')")
    req = urllib.request.Request(base + "/api/v1/status-pages/shop-status", method="PUT",
                                 data=json.dumps({"title": "Shop status", "targets": [{"id": "shop", "label": "Web shop"}]}).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    urllib.request.urlopen(req, timeout=10).read()

    # Without signing in.
    driver.execute_script("sessionStorage.clear()")
    driver.delete_all_cookies()
    driver.get(base + "/status/shop-status")
    WebDriverWait(driver, 20).until(lambda d: "Web shop" in d.find_element(By.ID, "targets").text)
    page = driver.find_element(By.TAG_NAME, "body").text
    assert "down" in page, page
    assert "Outage" in page, page
    source = driver.page_source
    for private in (site, "/switch", "503", "127.0.0.1", "ops@example.com"):
        assert private not in source, "%r is on the public page" % private
    driver.save_screenshot(shots + "/status-page.png")

    # Planned work: a maintenance window on the target, through the API. Its checks go on and
    # are marked; the public page then says maintenance, not outage, and a bar counts them apart.
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
    req = urllib.request.Request(base + "/api/v1/maintenance", method="POST",
                                 data=json.dumps({"name": "db-upgrade", "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                  "duration": "1h", "targets": ["shop"]}).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    urllib.request.urlopen(req, timeout=10).read()
    deadline = time.monotonic() + 30
    while True:  # until a check inside the window is the latest (the catalogue applies it within 2 s)
        public = json.loads(urllib.request.urlopen(base + "/api/v1/public/status-pages/shop-status", timeout=10).read())
        if public["targets"][0]["state"] == "maintenance":
            break
        assert time.monotonic() < deadline, "no check inside the window reached the page: %r" % public
        time.sleep(0.2)
    driver.get(base + "/status/shop-status")
    WebDriverWait(driver, 20).until(lambda d: "Maintenance in progress" in d.find_element(By.ID, "overall").text)
    page = driver.find_element(By.TAG_NAME, "body").text
    assert "Outage" not in page, page
    assert "db-upgrade" not in driver.page_source, "the window's name (it may say what is worked on) is not public"
    assert "maintenance" in driver.find_element(By.ID, "targets").text, page
    titles = [b.get_attribute("title") for b in driver.find_elements(By.CSS_SELECTOR, "#targets .bars span")]
    assert any("in maintenance" in t for t in titles), "a bar counts the checks in the window: %r" % titles[-2:]
    say("DONE")
finally:
    driver.quit()
