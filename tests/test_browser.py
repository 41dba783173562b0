"""The interactive map in a real browser: headless Debian Chromium driven by Selenium.

Skipped where Chromium is not installed, unless TOKENSITE_REQUIRE_BROWSER=1 (set by .ci/run,
which installs Debian's chromium and chromium-driver), where its absence is a failure.
"""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser(tmp_path):
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        if os.environ.get("TOKENSITE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium and chromedriver are required here (apt-get install chromium chromium-driver)")
        pytest.skip("Chromium not installed")
    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download a browser or driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,900",
                f"--user-data-dir={tmp_path / 'profile'}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


def test_map_loads_without_js_errors_and_shows_every_built_site(world_dir, browser, tmp_path):
    browser.get((world_dir / "map.html").as_uri())
    browser.implicitly_wait(5)
    markers = browser.execute_script("return document.querySelectorAll('path.site-marker').length")
    sites = pd.read_csv(world_dir / "sites.csv")
    last = sites[sites.year == sites.year.max()]
    built = int((last.facility_mw > 1e-6).sum())
    assert built > 0 and markers == built
    assert browser.execute_script("return typeof L") == "object"  # Leaflet loaded from the inline copy
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    shot = tmp_path / "map.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    browser.execute_script("document.querySelector('path.site-marker').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    popup = browser.execute_script("var p = document.querySelector('.leaflet-popup-content'); return p ? p.innerText : ''")
    assert "GPUs" in popup and "USD/Mtok" in popup


VIEWPORT = {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False}
TABLES_PAST_THE_PAGE = """const w = document.documentElement.clientWidth;
return [...document.querySelectorAll('table')].filter(t => t.offsetParent !== null && t.getBoundingClientRect().right > w)
  .map(t => t.querySelector('th') ? t.querySelector('th').innerText : '?');"""


def test_report_first_screen_shows_the_build_decision_and_the_cash_by_year(world_dir, browser, tmp_path):
    """At 1400 × 900 the first screen holds the build and cash table (every calendar year, 2027 and 2029 too) and
    the GW by region; no table, open or collapsed, is wider than the page."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", VIEWPORT)
    browser.get((world_dir / "report.html").as_uri())
    first = browser.execute_script("""
const bottom = h => { const s = [...document.querySelectorAll('h2')].find(e => e.innerText.startsWith(h)); return s.parentElement.querySelector('table').getBoundingClientRect().bottom; };
const cash = [...document.querySelectorAll('h2')].find(e => e.innerText.startsWith('Build and cash')).parentElement.querySelector('table');
return {cash: bottom('Build and cash'), gw: bottom('Facility GW'), years: [...cash.querySelectorAll('tbody td:first-child')].map(td => td.innerText)};""")
    assert first["cash"] <= 900 and first["gw"] <= 900, first
    assert first["years"][:5] == ["2026", "2027", "2028", "2029", "2030"]
    browser.save_screenshot(str(tmp_path / "report_first_screen.png"))
    assert browser.execute_script(TABLES_PAST_THE_PAGE) == []
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert browser.execute_script(TABLES_PAST_THE_PAGE) == []


def test_html_map_flows_are_great_circles_that_never_jump_the_antimeridian(world_dir, browser):
    browser.get((world_dir / "map.html").as_uri())
    browser.implicitly_wait(5)
    lines = browser.execute_script("""
return Object.values(window).filter(v => v instanceof L.Polyline && !(v instanceof L.Polygon)).map(l => {
  let ll = l.getLatLngs(); if (ll.length && !Array.isArray(ll[0])) ll = [ll];
  return ll.map(p => p.map(q => q.lng)); });""")
    assert lines
    for pieces in lines:
        assert all(abs(b - a) < 180 for piece in pieces for a, b in zip(piece, piece[1:]))
        span = abs(pieces[-1][-1] - pieces[0][0])
        if len(pieces) > 1:  # a flow across the Pacific: one piece to the antimeridian, one from it
            assert abs(pieces[0][-1]) == 180 and abs(pieces[1][0]) == 180
        else:
            assert span < 180
