"""The case list's search: number, title, description and public comments; never an internal
note, never another tenant's case (issue 15).

PostgreSQL searches with its full-text indexes (words matched by their start), SQLite with a
plain substring match: the tests below hold for both; the last ones are PostgreSQL's own.
"""

from __future__ import annotations

import pytest
from django.db import connection

from cases import services
from portal.selectors.case_list import case_list_matching, case_list_scope, search_words
from tests.portal.case_pages import NOW, case_for, case_numbers, signed_in, waiting

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text indexes are PostgreSQL's"
)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def acme_case(acme, acme_site, acme_contract, acme_agent, releases):
    def _open(**fields):
        fields = {"site": acme_site, **fields}
        return case_for(reporter=acme_agent, organization=acme, release=releases["2026"], **fields)

    return _open


@pytest.fixture
def globex_case(globex, globex_site, globex_contract, globex_agent, releases):
    def _open(**fields):
        return case_for(
            reporter=globex_agent,
            organization=globex,
            site=globex_site,
            release=releases["2026"],
            **fields,
        )

    return _open


def _found(user, q: str) -> list[str]:
    response = signed_in(user).get("/cases/", {"status": "all", "q": q})
    assert response.status_code == 200
    return case_numbers(response.content.decode())


def test_it_finds_a_word_of_the_title_or_the_description(acme_case, acme_admin):
    by_title = acme_case(title="Licence server unreachable", description="Since this morning.")
    by_description = acme_case(title="Crash", description="The licence dongle is not detected.")
    acme_case(title="Slow toolpath", description="Regeneration takes minutes.")

    assert _found(acme_admin, "licence") == [by_description.number, by_title.number]
    assert _found(acme_admin, "dongle") == [by_description.number]
    assert _found(acme_admin, "LICENCE") == [by_description.number, by_title.number]


def test_it_finds_the_words_of_public_comments_and_of_the_information_exchanged(
    acme_case, acme_admin, acme_agent, staff_agent
):
    replied = acme_case(title="Simulation stops")
    services.case_comment(case=replied, by=staff_agent, body="Install the hotfix KB4471 first.")
    asked = waiting(acme_case(title="Wrong feed"), staff_agent, body="Send the postprocessor log.")
    answered = waiting(acme_case(title="Drill cycle"), staff_agent)
    services.case_provide_information(case=answered, by=acme_agent, body="Controller is Fanuc.")

    assert _found(acme_admin, "kb4471") == [replied.number]
    assert _found(acme_admin, "postprocessor") == [asked.number]
    assert _found(acme_admin, "fanuc") == [answered.number]


def test_the_words_of_an_internal_note_never_find_the_case_for_a_customer(
    acme_case, acme_admin, staff_agent
):
    case = acme_case(title="Toolpath gouges the part")
    services.case_comment(
        case=case, by=staff_agent, body="Reproduced: regression from ticket ZEBRA9.", public=False
    )

    assert _found(acme_admin, "zebra9") == []
    assert _found(acme_admin, "regression") == []
    assert _found(acme_admin, "toolpath") == [case.number]


def test_every_word_must_appear_somewhere_in_the_case(acme_case, acme_admin, staff_agent):
    both = acme_case(title="Licence server unreachable")
    services.case_comment(case=both, by=staff_agent, body="Restart the FlexLM service.")
    acme_case(title="Licence renewal question")

    assert _found(acme_admin, "licence flexlm") == [both.number]
    assert _found(acme_admin, "licence unreachable") == [both.number]
    assert _found(acme_admin, "licence giraffe") == []


def test_the_start_of_a_word_is_enough(acme_case, acme_admin):
    case = acme_case(title="Licence server unreachable")

    assert _found(acme_admin, "licen") == [case.number]
    assert _found(acme_admin, "unreach serv") == [case.number]


def test_a_case_number_is_still_found(acme_case, acme_admin):
    case = acme_case(title="Anything")
    acme_case(title="Something else")

    assert _found(acme_admin, case.number) == [case.number]
    assert _found(acme_admin, case.number.lower()) == [case.number]


@pytest.mark.parametrize("q", ["'", "' & !", "a:* | b", "\\", "%", "_", "(", "«»", "C-"])
def test_punctuation_and_query_syntax_are_harmless(q, acme_case, acme_admin):
    acme_case(title="Post-processor output stops")

    response = signed_in(acme_admin).get("/cases/", {"q": q})

    assert response.status_code == 200


def test_another_tenants_words_find_nothing(acme_case, globex_case, acme_admin, globex_agent):
    mine = acme_case(title="Collision check ignores the fixture")
    theirs = globex_case(title="Collision with the clamp", description="Secret clamp design.")
    services.case_comment(case=theirs, by=globex_agent, body="The clamp drawing is attached.")

    assert _found(acme_admin, "collision") == [mine.number]
    assert _found(acme_admin, "clamp") == []
    assert _found(acme_admin, theirs.number) == []
    assert _found(globex_agent, "collision") == [theirs.number]


def test_a_partner_searches_its_end_customers_cases_but_not_others(
    acme_case, partner, partner_agent, end_customer_site, end_customer_contract, releases
):
    acme_case(title="Spindle warm-up macro fails")
    served = case_for(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=releases["2026"],
        title="Spindle speed limit ignored",
    )

    assert _found(partner_agent, "spindle") == [served.number]


def test_the_export_searches_the_same_way(acme_case, acme_admin, staff_agent):
    case = acme_case(title="Probe cycle")
    services.case_comment(case=case, by=staff_agent, body="Use the renishaw macro.")
    services.case_comment(case=case, by=staff_agent, body="Internal: okapi", public=False)

    def exported(q: str) -> list[str]:
        response = signed_in(acme_admin).get("/cases/export.csv", {"q": q})
        lines = b"".join(response.streaming_content).decode().splitlines()[1:]
        return [line.split(",")[0] for line in lines]

    assert exported("renishaw") == [case.number]
    assert exported("okapi") == []


def test_search_words_are_letters_and_digits_lower_cased():
    assert search_words("Post-processor «licence»; C-000123") == [
        "post",
        "processor",
        "licence",
        "000123",
    ]
    assert search_words("a b c d e f g h") == ["a", "b", "c", "d", "e", "f"]
    assert search_words("a bb c dd") == ["bb", "dd"]
    assert search_words("ab cd ef gh ij kl mn") == ["ab", "cd", "ef", "gh", "ij", "kl"]
    assert search_words("'&|!:*") == []


@postgresql_only
def test_the_database_finds_the_words_through_the_full_text_indexes(
    acme_case, acme_admin, staff_agent
):
    case = acme_case(title="Licence server unreachable")
    services.case_comment(case=case, by=staff_agent, body="Restart the FlexLM service.")
    query = case_list_matching(case_list_scope(acme_admin), q="licence flexlm").values("pk")

    with connection.cursor() as cursor:
        # With so few rows the planner would rather read the tables: forbid that, so the
        # plan shows whether the indexes match the search's expressions at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "case_text_search_idx" in plan
    assert "caseevent_public_search_idx" in plan


@postgresql_only
def test_an_internal_note_is_not_in_the_index_customers_search():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'caseevent_public_search_idx'"
        )
        (definition,) = cursor.fetchone()

    assert definition.endswith("WHERE public")
