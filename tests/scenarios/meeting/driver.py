"""Driving the meeting page in Chromium as a person would: choose, click, wait until it is drawn.

Shared by the page's tests, `benchmarks/meeting.py` and `docs/make_screenshots.py`. The page
counts what it has drawn (`window.laaMeeting.rendered`) and how long each change took from
the click to the next painted frame (`window.laaMeeting.timings`), so nothing here guesses
with sleeps.
"""

from __future__ import annotations

import json

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CHARTS = ("chart-scores", "chart-money", "chart-progress", "chart-flows")


def open_page(driver: webdriver.Chrome, url: str, timeout: float = 60) -> None:
    """Load the page afresh (logs emptied) and wait until its first view and every chart are drawn."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.execute_cdp_cmd("Network.enable", {})
    driver.get(url)
    WebDriverWait(driver, timeout).until(lambda d: rendered(d) >= 1)
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script(
            "return arguments[0].every(id => document.querySelector('#' + id + ' svg.main-svg') !== null);",
            list(CHARTS),
        )
    )


def rendered(driver: webdriver.Chrome) -> int:
    return int(driver.execute_script("return window.laaMeeting ? window.laaMeeting.rendered : 0"))


def idle(driver: webdriver.Chrome) -> bool:
    return bool(driver.execute_script("return window.laaMeeting && !window.laaMeeting.busy"))


def act(driver: webdriver.Chrome, element_id: str, timeout: float = 60) -> None:
    """Click a control and wait until the page has drawn what the server answered."""
    before = rendered(driver)
    driver.find_element(By.ID, element_id).click()
    WebDriverWait(driver, timeout).until(lambda d: rendered(d) > before and idle(d))


def choose(driver: webdriver.Chrome, element_id: str, value: str) -> None:
    Select(driver.find_element(By.ID, element_id)).select_by_value(value)


def tab(driver: webdriver.Chrome, name: str) -> None:
    driver.find_element(By.ID, f"tab-{name}").click()


def shown_scores(driver: webdriver.Chrome) -> dict[str, tuple[str, float | None]]:
    """Each arrangement's card: the score as printed and as the page holds it."""
    cards = driver.find_elements(By.CSS_SELECTOR, "#cards .card")
    shown = {}
    for card in cards:
        held = card.get_attribute("data-score")
        printed = card.find_element(By.CSS_SELECTOR, ".value").text
        shown[card.get_attribute("data-arrangement")] = (printed, float(held) if held else None)
    return shown


def timings(driver: webdriver.Chrome) -> list[float]:
    """Milliseconds from each change's click to its result drawn, in order."""
    return [float(t) for t in driver.execute_script("return window.laaMeeting.timings")]


def complete(driver: webdriver.Chrome) -> list[float]:
    """Milliseconds from each change's click until every arrangement shown was planned and drawn."""
    return [float(t) for t in driver.execute_script("return window.laaMeeting.complete")]


def answered(driver: webdriver.Chrome) -> list[float]:
    """Milliseconds from each change's click to the server's answer in the page's hands."""
    return [float(t) for t in driver.execute_script("return window.laaMeeting.answered")]


def replans(driver: webdriver.Chrome) -> list[float]:
    """Seconds the server spent re-planning each change, in the same order as `timings`."""
    return [float(t) for t in driver.execute_script("return window.laaMeeting.replans")]


def console_errors(driver: webdriver.Chrome) -> list[dict[str, object]]:
    return [m for m in driver.get_log("browser") if m.get("level") == "SEVERE"]


def requested(driver: webdriver.Chrome) -> list[str]:
    """Every URL the page asked for since it was opened."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
