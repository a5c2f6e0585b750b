"""The staff workspace in a real browser (issue 14, acceptance).

Debian's Chromium, driven by Playwright, against the live server. A support agent signs in with
password and authenticator code. At 1280 x 900 and 1024 x 768 every queue column and both SLA
badges of each row lie inside the window, with nothing to scroll sideways; the agent works a
case from the queue to resolution with the keyboard alone; a refused resolution shows its error
beside the field, in the open panel, with what was typed kept. A failing test leaves a
screenshot of its page in var/ci/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, EventKind, Status
from tests.integration.staff_sign_in import sign_in_staff

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed rows; the serialized rollback brings the migrations'
    # rows (staff groups, calendars, the policy) back after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "ci" / "screenshots"
# Long enough for a slow CI machine, short enough that a broken page fails fast.
WAIT_MS = 10_000
QUEUE = "/admin/cases/case/"
COLUMNS = (
    "number",
    "title",
    "organization",
    "priority",
    "status",
    "assignee",
    "response",
    "resolution",
    "activity",
)
LONG_TITLE = (
    "Post-processor output stops at line 200 on every Haas VF-2 toolpath after the 2026.1 "
    "upgrade, and the simulation view freezes when the stock model is shown"
)
VIEWPORTS = [
    pytest.param({"width": 1280, "height": 900}, id="1280x900"),
    pytest.param({"width": 1024, "height": 768}, id="1024x768"),
]


@pytest.fixture
def page(chromium, request):
    """A fresh page at the viewport the test is parametrized with; screenshot it on failure."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    viewport = getattr(request, "param", {"width": 1280, "height": 900})
    context = chromium.new_context(locale="en-US", viewport=viewport)
    context.set_default_timeout(WAIT_MS)
    failed_before = request.session.testsfailed
    yield context.new_page()
    try:
        if request.session.testsfailed > failed_before:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            context.pages[0].screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    finally:
        context.close()


@pytest.fixture
def agent(staff_agent):
    """The support agent, with a long name (the assignee column's widest)."""
    staff_agent.full_name = "Bartholomew Featherstonehaugh-Worthington"
    staff_agent.save(update_fields=["full_name"])
    return staff_agent


@pytest.fixture
def open_case(acme, acme_site, acme_contract, acme_agent, release_2026):
    """Open an Acme case through the intake service; keyword arguments override the defaults."""

    def _open(**overrides) -> Case:
        fields = {
            "reporter": acme_agent,
            "organization": acme,
            "site": acme_site,
            "release": release_2026,
            "title": "Licence server refuses a second seat",
            "description": "The second seat of the licence is refused since Monday.",
            "proposed_priority": "P2",
            "channel": "portal",
            **overrides,
        }
        return services.case_open(**fields)

    return _open


@pytest.fixture
def queue_cases(
    open_case,
    agent,
    partner,
    partner_agent,
    end_customer,
    end_customer_site,
    end_customer_contract,
    releases,
) -> dict[str, Case]:
    """A handful of open cases in several states, every clock as the services leave it.

    The widest cells are there: a long title, a partner serving an end customer, the agent's
    long name, a breached clock ("breached 3 d 4 h ago") and a paused one.
    """
    received = timezone.now() - dt.timedelta(days=12)
    breached = open_case(title="Simulation crashes on load", received_at=received)
    breached = services.case_triage(case=breached, by=agent, priority="P1", at=received)
    new = open_case(title=LONG_TITLE, proposed_priority="P1")
    partnered = open_case(
        reporter=partner_agent,
        organization=partner,
        end_customer=end_customer,
        site=end_customer_site,
        release=releases["2027"],
        title="Tool library import drops the holder names",
    )
    partnered = services.case_triage(case=partnered, by=agent, priority="P2")
    services.case_assign(case=partnered, by=agent, assignee=agent)
    waiting = services.case_triage(case=open_case(), by=agent, priority="P3")
    waiting = services.case_request_information(
        case=waiting, by=agent, body="Please send the licence server log."
    )
    worked = open_case(title="Feed rates are halved in the posted program", proposed_priority="P3")
    worked = services.case_triage(case=worked, by=agent, priority="P3", category="problem")
    worked = services.case_assign(case=worked, by=agent, assignee=agent)
    return {
        "breached": breached,
        "new": new,
        "partnered": partnered,
        "waiting": waiting,
        "worked": worked,
    }


# Every box the queue test measures, in one round trip: the headers, each row's cells and badges.
# A cell or badge is "clipped" when its text is wider than the box that shows it.
_QUEUE_BOXES = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {x: r.x, right: r.right,
    height: r.height, clipped: el.scrollWidth > el.clientWidth}; };
  const column = (el) => [...el.classList].find((c) => c.startsWith("col-")).slice(4);
  const headers = {};
  document.querySelectorAll("[data-queue-table] thead th").forEach((th) => {
    headers[column(th)] = box(th);
  });
  const rows = [...document.querySelectorAll("[data-queue-table] tbody tr[data-case-row]")].map(
    (tr) => {
      const title = tr.querySelector(".col-title a");
      const cells = {};
      tr.querySelectorAll("th, td").forEach((cell) => {
        const tip = cell.hasAttribute("title") ? cell : cell.querySelector("[title]");
        cells[column(cell)] = {...box(cell), tooltip: tip ? tip.getAttribute("title") : ""};
      });
      return {
        number: tr.querySelector(".col-number a").textContent,
        height: tr.getBoundingClientRect().height,
        cells,
        title: title.getAttribute("title"),
        titleHeight: title.getBoundingClientRect().height,
        lineHeight: parseFloat(getComputedStyle(title).lineHeight),
        badges: [...tr.querySelectorAll(".col-response .sla-badge, .col-resolution .sla-badge")]
          .map((badge) => ({text: badge.textContent, ...box(badge)})),
      };
    });
  return {headers, rows, scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth};
}"""
# Cells that may end with an ellipsis: their full text is the tooltip.
ELLIPSIS = {"title", "organization", "status", "assignee"}


@pytest.mark.parametrize("page", VIEWPORTS, indirect=True)
def test_every_column_and_both_badges_fit_the_window(
    page, live_server, password, agent, queue_cases
):
    width = page.viewport_size["width"]
    sign_in_staff(page, live_server.url, agent, password, QUEUE)

    seen = page.evaluate(_QUEUE_BOXES)

    assert seen["scrollWidth"] <= seen["innerWidth"] == width
    # The bulk actions' checkbox column comes first, for an agent.
    assert list(seen["headers"]) == ["select", *COLUMNS]
    for key, header in seen["headers"].items():
        assert header["x"] >= 0 and header["right"] <= width, (key, header)
        assert not header["clipped"], (key, header)
    # Every case, each with its full title as the tooltip.
    assert sorted((row["number"], row["title"]) for row in seen["rows"]) == sorted(
        (case.number, case.title) for case in queue_cases.values()
    )
    for row in seen["rows"]:
        for key, cell in row["cells"].items():
            assert cell["x"] >= 0 and cell["right"] <= width, (row["number"], key, cell)
            if key in ELLIPSIS:
                assert not cell["clipped"] or cell["tooltip"], (row["number"], key, cell)
            else:
                assert not cell["clipped"], (row["number"], key, cell)
        assert len(row["badges"]) == 2, row
        for badge in row["badges"]:
            assert badge["x"] >= 0 and badge["right"] <= width, (row["number"], badge)
            assert not badge["clipped"], (row["number"], badge)
        # The title is one line, whatever its length; the row no taller than its badges.
        assert row["titleHeight"] <= 1.5 * row["lineHeight"], row
        tallest = max([row["lineHeight"], *(badge["height"] for badge in row["badges"])])
        # Cell padding and border: 11 px; a few more for the fonts of another machine.
        assert row["height"] <= tallest + 16, row
    titles = {row["number"]: row for row in seen["rows"]}
    long_one = titles[queue_cases["new"].number]
    assert long_one["title"] == LONG_TITLE
    assert long_one["cells"]["title"]["clipped"]
    # The short badges of an ordinary case keep its row one line high.
    assert titles[queue_cases["worked"].number]["height"] <= long_one["lineHeight"] + 20
    breached = titles[queue_cases["breached"].number]
    assert [badge["text"].split()[0] for badge in breached["badges"]] == ["breached"] * 2


def _current_numbers(page) -> list[str]:
    return page.locator("tr.queue-current[aria-current=true] .col-number a").all_inner_texts()


def _queue_numbers(page) -> list[str]:
    return page.locator("[data-queue-table] tbody .col-number a").all_inner_texts()


def _select_row(page, number: str) -> None:
    """Press j or k until the case's row is the current one."""
    numbers = _queue_numbers(page)
    for _ in range(len(numbers)):
        current = _current_numbers(page)
        if current == [number]:
            return
        before = bool(current) and numbers.index(current[0]) > numbers.index(number)
        page.keyboard.press("k" if before else "j")
    assert _current_numbers(page) == [number]


def _tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus (as a person tabs)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} never took the focus after {limit} presses of Tab")


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.name || document.activeElement.id")


def _open_action(page, name: str) -> None:
    """Tab to the action bar's button, press Enter: its form opens in place, focused."""
    from playwright.sync_api import expect

    _tab_to(page, f'.case-bar-button[data-action="{name}"]')
    page.keyboard.press("Enter")
    expect(page.locator(f"#case-panel #action-{name}")).to_be_visible()
    # The page moves the focus into the form once htmx has settled it.
    page.wait_for_function("() => document.activeElement.closest('#case-panel form') !== null")


def test_an_agent_works_a_case_from_the_queue_to_resolution_with_the_keyboard(
    page, live_server, password, agent, queue_cases
):
    from playwright.sync_api import expect

    case = queue_cases["worked"]
    sign_in_staff(page, live_server.url, agent, password, QUEUE)
    numbers = _queue_numbers(page)
    assert _current_numbers(page) == []

    page.keyboard.press("j")
    assert _current_numbers(page) == numbers[:1]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert _current_numbers(page) == [numbers[2]]
    page.keyboard.press("k")
    assert _current_numbers(page) == [numbers[1]]

    page.keyboard.press("/")
    search = page.locator("#queue-q")
    expect(search).to_be_focused()
    expect(search).to_have_value("")
    page.keyboard.press("Escape")
    expect(search).not_to_be_focused()

    _select_row(page, case.number)
    page.keyboard.press("o")
    page.wait_for_url(re.compile(rf"{QUEUE}{case.pk}/change/"))

    _open_action(page, "start_work")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text(f"{case.number}: Work started")
    expect(page.locator(".case-fact-status-in_progress")).to_contain_text("In progress")

    _open_action(page, "resolve")
    assert _focused(page) == "resolve-kind"
    page.keyboard.press("Tab")
    assert _focused(page) == "resolve-body"
    page.keyboard.type("Feed rates were halved by the post-processor option; it is off now.")
    _tab_to(page, "#action-resolve input[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator(".messagelist")).to_contain_text(
        f"{case.number}: Resolution recorded and sent to the customer."
    )
    expect(page.locator(".case-fact-status-resolved")).to_contain_text("Resolved")
    # The resolution, and the first response it counts as, both newest in the timeline.
    resolution = page.locator(".case-events > li.case-event-resolution")
    expect(resolution).to_contain_text("Feed rates were halved by the post-processor option")
    expect(resolution).to_contain_text("Public")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.events.filter(kind=EventKind.RESOLUTION).count() == 1


@pytest.mark.parametrize("page", VIEWPORTS[1:], indirect=True)
def test_a_refused_resolution_shows_its_error_beside_the_field_in_the_open_panel(
    page, live_server, password, agent, queue_cases
):
    from playwright.sync_api import expect

    case = queue_cases["worked"]
    sign_in_staff(page, live_server.url, agent, password, QUEUE)
    _select_row(page, case.number)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{QUEUE}{case.pk}/change/"))

    _open_action(page, "resolve")
    # (ii) a plan, without the plan: the form refuses it.
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_resolve-kind")).to_have_value("plan")
    page.keyboard.press("Tab")
    page.keyboard.type("A fix ships with 2026.3.")
    _tab_to(page, "#action-resolve input[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"{QUEUE}{case.pk}/act/resolve/"))
    panel = page.locator("#case-panel #action-resolve")
    expect(panel).to_be_visible()
    error = panel.locator(".form-row.errors .errorlist")
    expect(error).to_have_text("A resolution of kind (ii) needs the plan and its timeline.")
    expect(error).to_be_in_viewport()
    plan = page.locator("#id_resolve-plan")
    expect(plan).to_be_in_viewport()
    expect(plan).to_be_focused()
    error_box, plan_box = error.bounding_box(), plan.bounding_box()
    assert abs(plan_box["y"] - (error_box["y"] + error_box["height"])) <= 150
    assert error.evaluate("e => e.closest('details:not([open]), [hidden]') === null")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    # What the agent typed and chose is still there.
    expect(page.locator("#id_resolve-body")).to_have_value("A fix ships with 2026.3.")
    expect(page.locator("#id_resolve-kind")).to_have_value("plan")
    expect(page.locator(".messagelist")).to_contain_text("Resolve: please correct the errors")
    case.refresh_from_db()
    assert case.status == Status.TRIAGED
