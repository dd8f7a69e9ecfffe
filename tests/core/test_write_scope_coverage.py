"""Every write endpoint has a test of its territorial scope (issue 16 item 6).

The write endpoints are enumerated from the API's OpenAPI description (every operation that is
not a GET) and from the URL confs (every page view whose code reads a POST); each must appear in
WRITES below with the tests that refuse a write outside the caller's territory, group or own
record, or with the reason the write has no territory. A new write endpoint without an entry
fails here, and so does an entry naming a test that does not exist. PENDING lists the endpoints
whose scope test is still to be written: it may only shrink."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from senim.config.api import api

ROOT = Path(__file__).resolve().parents[2]

# Write endpoint -> the tests ("file::function") that hold it to its scope, or a reason why it
# has none (str starting with "no territory:").
WRITES: dict[str, list[str] | str] = {
    # --- register
    "POST /api/register/appeals": [
        "tests/register/test_api_write.py::test_writing_outside_the_caller_s_territory_is_403",
        "tests/register/test_write_scope_by_point.py::test_a_point_in_another_region_is_refused_even_under_ones_own_codes",
        "tests/register/test_write_scope_by_point.py::test_a_district_writer_is_refused_a_point_in_the_next_district",
    ],
    "POST /api/register/offences": [
        "tests/register/test_api_write.py::test_writing_outside_the_caller_s_territory_is_403",
        "tests/register/test_api_write.py::test_an_existing_record_elsewhere_is_403_not_a_hint_that_it_exists",
    ],
    "PATCH /api/register/offences/{offence_id}/status": [
        "tests/register/test_api_write.py::test_status_changes_respect_scope_and_role",
    ],
    "POST /api/register/ingest": [
        "tests/register/test_api_ingest.py::test_rows_outside_the_caller_s_region_are_refused_one_by_one",
        "tests/register/test_api_ingest.py::test_a_row_already_loaded_in_another_region_is_refused_not_reported_as_loaded",
        "tests/register/test_api_ingest.py::test_a_link_to_an_appeal_outside_the_caller_s_scope_reads_as_no_such_appeal",
    ],
    "POST /api/register/token": "no territory: the caller's own token "
    "(tests/register/test_api_auth.py::test_a_token_cannot_mint_another_token)",
    "DELETE /api/register/token": "no territory: revokes the caller's own token",
    # --- oversight (NPM): scoped by monitoring group and its region
    "POST /api/oversight/institutions/import": [
        "tests/oversight/test_register_import.py::test_only_an_administrator_loads_the_register",
    ],
    "POST /api/oversight/visits": [
        "tests/oversight/test_visit_record.py::test_an_institution_outside_the_groups_region_is_refused",
        "tests/oversight/test_visit_record.py::test_a_member_of_another_group_may_not_record_for_this_one",
    ],
    "POST /api/oversight/visits/{visit_id}/recommendations": [
        "tests/oversight/test_api.py::test_another_groups_member_is_refused_with_403",
    ],
    "POST /api/oversight/visits/{visit_id}/attachments": [
        "tests/oversight/test_attachments.py::test_a_member_of_another_group_cannot_attach",
    ],
    "POST /api/oversight/visits/{visit_id}/obstructions": [
        "tests/oversight/test_write_scope.py::test_an_obstruction_on_another_groups_visit_reads_as_no_such_visit",
        "tests/oversight/test_documents.py::test_the_obstruction_pdf_is_only_in_kazakh_or_russian_and_only_for_the_group",
    ],
    "POST /api/oversight/recommendations/{recommendation_id}/status": [
        "tests/oversight/test_npm_roles.py::test_pages_and_api_keep_to_the_group",
    ],
    "POST /api/oversight/recommendations/escalate": "no territory: the NPM council acts "
    "nationally (tests/oversight/test_recommendations.py::"
    "test_only_overdue_recommendations_to_one_agency_are_escalated_by_the_council)",
    # --- operational centres
    "POST /api/ops/calls": [
        "tests/ops/test_intake.py::test_a_district_sender_may_not_send_another_districts_call",
        "tests/ops/test_write_scope.py::test_a_call_under_ones_own_district_code_with_a_point_elsewhere_is_refused",
    ],
    "POST /api/ops/calls/batch": [
        "tests/ops/test_api.py::test_a_batch_answers_each_call_and_roles_without_intake_are_refused",
    ],
    "POST /api/ops/calls/{call_id}/steps": [
        "tests/ops/test_api.py::test_the_queue_and_the_steps_of_a_call",
        "tests/ops/test_call_lifecycle.py::test_refused_steps_say_why_and_change_nothing",
    ],
    "POST /api/ops/alerts/{alert_id}/acknowledge": [
        "tests/ops/test_write_scope.py::test_another_districts_alert_is_unknown_to_the_api_and_the_page",
    ],
    # --- safeguards
    "POST /api/safeguards/custody": [
        "tests/safeguards/test_custody_api.py::test_roles_and_territory_decide_who_records_custody",
    ],
    "PATCH /api/safeguards/custody/{record_id}": [
        "tests/safeguards/test_custody_api.py::test_reading_one_record_is_audited_and_other_regions_get_404",
    ],
    "POST /safeguards/custody/<int:pk>/": [
        "tests/safeguards/test_record_pages.py::test_another_districts_record_is_not_found_and_cannot_be_changed",
    ],
    "POST /safeguards/complaints/<int:pk>/": [
        "tests/safeguards/test_record_pages.py::test_another_regions_complaint_is_not_found_and_takes_no_step",
    ],
    "POST /api/safeguards/complaints": [
        "tests/safeguards/test_write_scope.py::test_a_complaint_about_a_facility_of_another_region_is_refused",
        "tests/safeguards/test_write_scope.py::test_a_key_of_another_region_answers_like_any_conflict_and_shows_nothing",
        "tests/safeguards/test_entry_forms.py::test_the_complaint_form_and_the_api_refuse_the_same_payload_alike",
    ],
    "POST /api/safeguards/complaints/{complaint_id}/steps": [
        "tests/safeguards/test_write_scope.py::test_a_step_on_another_regions_complaint_is_the_same_404_as_on_none",
    ],
    "POST /api/safeguards/cases": [
        "tests/safeguards/test_art146_cases.py::test_only_prosecutors_register_cases_and_the_region_must_exist",
        "tests/safeguards/test_entry_forms.py::test_a_case_outside_the_prosecutors_region_is_refused_by_form",
    ],
    "POST /api/safeguards/cases/{case_id}/events": [
        "tests/safeguards/test_entry_forms.py::test_a_case_outside_the_prosecutors_region_is_refused_by_form",
    ],
    "POST /api/safeguards/terminals": [
        "tests/safeguards/test_terminals.py::test_registering_a_terminal_is_for_administrators_and_checks_its_input",
    ],
    "POST /api/safeguards/terminals/{terminal_id}/token": [
        "tests/safeguards/test_terminals.py::test_registering_a_terminal_is_for_administrators_and_checks_its_input",
    ],
    "POST /api/safeguards/terminals/heartbeat": [
        "tests/safeguards/test_terminals.py::test_a_heartbeat_needs_the_terminals_own_token",
    ],
    "POST /api/safeguards/terminals/reports": [
        "tests/safeguards/test_entry_forms.py::test_terminal_reports_stay_in_the_territory_and_the_role",
    ],
    "POST /api/safeguards/ledger/recordings": [
        "tests/safeguards/test_ledger_write_scope.py::test_footage_and_body_camera_events_of_another_district_or_region_are_refused",
        "tests/safeguards/test_video_ledger.py::test_opening_a_recording_is_written_to_the_ledger_and_police_cannot",
    ],
    "POST /api/safeguards/ledger/retrievals": [
        "tests/safeguards/test_ledger_write_scope.py::test_a_retrieval_at_another_regions_facility_or_for_its_complaint_is_refused",
        "tests/safeguards/test_video_ledger.py::test_opening_a_recording_is_written_to_the_ledger_and_police_cannot",
    ],
    "POST /api/safeguards/ledger/bodycam-events": [
        "tests/safeguards/test_ledger_write_scope.py::test_footage_and_body_camera_events_of_another_district_or_region_are_refused",
        "tests/safeguards/test_video_ledger.py::test_opening_a_recording_is_written_to_the_ledger_and_police_cannot",
    ],
    # --- trust
    "POST /api/trust/surveys/{code}/responses": [
        "tests/trust/test_survey_import.py::test_only_national_roles_load_survey_files",
    ],
    "POST /api/trust/surveys/{code}/weights": [
        "tests/trust/test_weighting.py::test_a_regional_analyst_estimates_only_their_region",
    ],
    "POST /api/trust/media": [
        "tests/trust/test_write_scope.py::test_an_item_of_another_region_is_refused_by_its_region",
        "tests/trust/test_write_scope.py::test_another_regions_key_is_a_conflict_like_other_content",
    ],
    "POST /api/trust/media/import": [
        "tests/trust/test_write_scope.py::test_a_file_of_another_regions_items_or_keys_is_refused_by_row",
        "tests/trust/test_media.py::test_items_outside_the_scope_read_as_missing",
    ],
    "POST /api/trust/media/{item_id}/tone": [
        "tests/trust/test_write_scope.py::test_another_regions_item_takes_no_tone_and_reads_as_missing",
        "tests/trust/test_media.py::test_items_outside_the_scope_read_as_missing",
    ],
    "POST /api/trust/media/{item_id}/response": [
        "tests/trust/test_workflow.py::test_who_may_act_on_a_case",
    ],
    # --- pages
    "POST /sign-in-locks/": "no territory: administrators lift sign-in locks",
    "POST /ops/calls/new/": [
        "tests/ops/test_intake.py::test_a_district_sender_may_not_send_another_districts_call",
    ],
    "POST /ops/calls/<int:pk>/<slug:action>/": [
        "tests/ops/test_call_lifecycle.py::test_refused_steps_say_why_and_change_nothing",
    ],
    "POST /ops/alerts/<int:pk>/acknowledge/": [
        "tests/ops/test_write_scope.py::test_another_districts_alert_is_unknown_to_the_api_and_the_page",
    ],
    "POST /ops/units/": [
        "tests/ops/test_queue.py::test_opening_a_level_outside_ones_scope_is_refused",
        "tests/ops/test_write_scope.py::test_another_districts_or_regions_unit_reads_as_no_such_unit_on_the_units_page",
    ],
    "POST /ops/reference/": [
        "tests/ops/test_reference_and_analytics.py::test_a_districts_own_target_overrides_the_centres_and_bad_values_are_refused",
    ],
    "POST /prevention/register/new/": [
        "tests/prevention/test_preventive_register.py::test_an_inspector_works_only_in_their_own_sector",
    ],
    "POST /prevention/register/<int:pk>/": [
        "tests/prevention/test_preventive_register.py::test_an_inspector_works_only_in_their_own_sector",
    ],
    "POST /prevention/problems/new/": [
        "tests/prevention/test_problem_cases.py::test_a_case_outside_the_sector_is_refused_and_invisible",
    ],
    "POST /prevention/problems/<int:pk>/": [
        "tests/prevention/test_problem_cases.py::test_a_case_outside_the_sector_is_refused_and_invisible",
    ],
    "POST /prevention/partners/": [
        "tests/prevention/test_partnership.py::test_partners_are_recorded_within_the_district_with_their_memorandum",
    ],
    "POST /prevention/commissions/": [
        "tests/prevention/test_write_scope.py::test_a_commission_of_another_district_or_region_is_refused_and_reads_as_unknown",
        "tests/prevention/test_partnership.py::test_partners_are_recorded_within_the_district_with_their_memorandum",
    ],
    "POST /prevention/commissions/<int:pk>/": [
        "tests/prevention/test_write_scope.py::test_a_commission_of_another_district_or_region_is_refused_and_reads_as_unknown",
        "tests/prevention/test_partnership.py::test_partners_are_recorded_within_the_district_with_their_memorandum",
    ],
    "POST /prevention/meetings/": [
        "tests/prevention/test_partnership.py::test_meetings_and_priorities_stay_in_their_sector",
    ],
    "POST /prevention/meetings/<int:pk>/": [
        "tests/prevention/test_partnership.py::test_meetings_and_priorities_stay_in_their_sector",
    ],
    "POST /prevention/admin-cases/new/": [
        "tests/prevention/test_admin_cases.py::test_an_inspector_of_another_sector_cannot_see_or_write_a_case",
        "tests/prevention/test_admin_cases.py::test_roles_without_prevention_are_refused_403_and_nothing_is_stored",
    ],
    "POST /prevention/admin-cases/<int:pk>/": [
        "tests/prevention/test_admin_cases.py::test_an_inspector_of_another_sector_cannot_see_or_write_a_case",
    ],
    "POST /prevention/dv/new/": [
        "tests/prevention/test_write_scope.py::test_an_assessment_in_another_district_is_refused_by_its_sector_and_by_its_point",
        "tests/prevention/test_preventive_register.py::test_an_inspector_works_only_in_their_own_sector",
    ],
    "POST /integrity/complaints/new/": [
        "tests/integrity/test_complaints_against_officers.py::test_an_officer_of_another_region_is_refused",
        "tests/integrity/test_complaints_against_officers.py::test_a_unit_outside_the_territory_is_forbidden",
        "tests/integrity/test_appeal_queue.py::test_another_regions_appeal_answers_as_unknown",
    ],
    "POST /integrity/complaints/<int:pk>/": [
        "tests/integrity/test_write_scope.py::test_another_regions_complaint_is_the_same_404_as_none_for_every_step",
        "tests/integrity/test_write_scope.py::test_discipline_on_an_officer_of_another_region_reads_as_no_such_officer",
        "tests/integrity/test_complaints_against_officers.py::test_other_roles_and_the_officer_themself_get_403",
    ],
    "POST /integrity/officers/<str:badge>/discipline/": [
        "tests/integrity/test_write_scope.py::test_discipline_on_an_officer_of_another_region_reads_as_no_such_officer",
        "tests/integrity/test_officer_files.py::test_a_supervisor_reads_files_of_the_region_only_and_each_read_is_logged",
    ],
    "POST /integrity/early/<int:pk>/": [
        "tests/integrity/test_early_intervention.py::test_flags_of_other_regions_and_other_roles_are_out_of_reach",
    ],
    "POST /integrity/welfare/<str:badge>/": [
        "tests/integrity/test_write_scope.py::test_a_welfare_record_on_an_officer_of_another_region_reads_as_no_such_officer",
        "tests/integrity/test_officer_files.py::test_the_officers_own_account_and_analysts_cannot_open_files",
    ],
    "POST /integrity/programme/": "no territory: the national anti-corruption programme",
    "POST /safeguards/custody/new/": [
        "tests/safeguards/test_entry_forms.py::test_a_duty_officer_cannot_record_custody_in_another_region_by_form",
    ],
    "POST /safeguards/complaints/new/": [
        "tests/safeguards/test_entry_forms.py::test_the_complaint_form_and_the_api_refuse_the_same_payload_alike",
        "tests/safeguards/test_write_scope.py::test_a_complaint_about_a_facility_of_another_region_is_refused",
    ],
    "POST /safeguards/cases/new/": [
        "tests/safeguards/test_entry_forms.py::test_a_case_outside_the_prosecutors_region_is_refused_by_form",
    ],
    "POST /safeguards/cases/step/": [
        "tests/safeguards/test_entry_forms.py::test_a_case_outside_the_prosecutors_region_is_refused_by_form",
    ],
    "POST /safeguards/terminals/report/": [
        "tests/safeguards/test_entry_forms.py::test_terminal_reports_stay_in_the_territory_and_the_role",
    ],
    "POST /oversight/visits/new/": [
        "tests/oversight/test_visit_record.py::test_a_member_of_another_group_may_not_record_for_this_one",
    ],
    "POST /oversight/visits/<int:pk>/findings/": [
        "tests/oversight/test_npm_roles.py::test_pages_and_api_keep_to_the_group",
    ],
    "POST /oversight/visits/<int:pk>/recommendations/": [
        "tests/oversight/test_npm_roles.py::test_pages_and_api_keep_to_the_group",
    ],
    "POST /oversight/visits/<int:pk>/attachments/": [
        "tests/oversight/test_attachments.py::test_a_member_of_another_group_cannot_attach",
    ],
    "POST /oversight/visits/<int:pk>/obstructions/": [
        "tests/oversight/test_write_scope.py::test_an_obstruction_on_another_groups_visit_reads_as_no_such_visit",
        "tests/oversight/test_npm_roles.py::test_pages_and_api_keep_to_the_group",
    ],
    "POST /oversight/recommendations/<int:pk>/status/": [
        "tests/oversight/test_npm_roles.py::test_pages_and_api_keep_to_the_group",
    ],
    "POST /oversight/recommendations/escalate/": "no territory: the NPM council acts nationally",
    "POST /oversight/plans/action/": [
        "tests/oversight/test_plans_and_coverage.py::test_an_institution_of_another_region_cannot_be_planned",
    ],
    "POST /oversight/institutions/import/": [
        "tests/oversight/test_register_import.py::test_only_an_administrator_loads_the_register",
    ],
    "POST /oversight/council/appoint/": "no territory: the NPM council appoints national members",
    "POST /trust/surveys/<slug:code>/": [
        "tests/trust/test_survey_import.py::test_only_national_roles_load_survey_files",
    ],
    "POST /trust/media/": [
        "tests/trust/test_write_scope.py::test_an_item_of_another_region_is_refused_by_its_region",
        "tests/trust/test_write_scope.py::test_another_regions_key_is_a_conflict_like_other_content",
    ],
    "POST /trust/media/<int:item_id>/action/": [
        "tests/trust/test_workflow.py::test_who_may_act_on_a_case",
    ],
    "POST /users/new/": [
        "tests/core/test_user_management.py::test_a_sector_must_lie_in_the_district_and_a_district_in_the_region",
    ],
    "POST /users/<int:pk>/": [
        "tests/core/test_user_management.py::test_role_and_scope_are_changed_with_old_and_new_values_in_the_audit_log",
    ],
    # --- added with issue 17 (case outcomes, thematic results, visiting bodies, redress)
    "POST /register/offences/<int:pk>/outcome/": [
        "tests/register/test_case_outcomes.py::test_only_writing_roles_in_scope_record_steps",
        "tests/register/test_case_outcomes.py::test_no_wanted_search_for_an_administrative_offence_or_another_district",
        "tests/register/test_outcome_indicators.py::test_roles_and_territory_decide_who_records",
    ],
    "POST /register/appeals/<int:pk>/search/": [
        "tests/register/test_case_outcomes.py::test_only_missing_person_appeals_open_searches_and_only_writers_in_scope",
    ],
    "POST /api/results/{kind}/load": [
        "tests/results/test_write_scope.py::test_another_regions_record_is_neither_written_nor_moved_by_the_form",
        "tests/results/test_loading_files.py::test_scope_limits_what_a_regional_analyst_loads",
        "tests/results/test_pages_and_api.py::test_the_api_refuses_unauthorised_reads_and_writes",
    ],
    "POST /results/load/": [
        "tests/results/test_write_scope.py::test_another_regions_record_is_neither_written_nor_moved_by_the_form",
        "tests/results/test_loading_files.py::test_scope_limits_what_a_regional_analyst_loads",
        "tests/results/test_loading_files.py::test_the_upload_form_shows_each_rows_error_and_refuses_other_roles",
    ],
    "POST /results/<slug:kind>/": [
        "tests/results/test_write_scope.py::test_another_regions_record_is_neither_written_nor_moved_by_the_form",
        "tests/results/test_loading_files.py::test_the_record_form_takes_one_record_with_the_files_checks",
    ],
    "POST /api/oversight/recommendations/{recommendation_id}/sanctions": [
        "tests/oversight/test_write_scope.py::test_a_sanction_under_another_groups_recommendation_reads_as_no_such_one",
        "tests/oversight/test_visiting_bodies.py::test_sanctions_follow_a_recommendation_and_bad_ones_are_refused",
    ],
    "POST /oversight/recommendations/<int:pk>/sanctions/": [
        "tests/oversight/test_write_scope.py::test_a_sanction_under_another_groups_recommendation_reads_as_no_such_one",
        "tests/oversight/test_visiting_bodies.py::test_sanctions_follow_a_recommendation_and_bad_ones_are_refused",
    ],
    "POST /api/safeguards/compensation": [
        "tests/safeguards/test_redress.py::test_a_duplicate_and_a_foreign_region_are_refused",
    ],
    "POST /safeguards/redress/new/": [
        "tests/safeguards/test_redress.py::test_a_duplicate_and_a_foreign_region_are_refused",
    ],
    "POST /api/safeguards/book-entries": [
        "tests/safeguards/test_redress.py::test_a_book_entry_of_another_region_is_refused",
    ],
    "POST /safeguards/redress/book/new/": [
        "tests/safeguards/test_redress.py::test_a_book_entry_of_another_region_is_refused",
    ],
    # --- the public complaint form and internal security's queue of it
    "POST /open/complaint/": "no territory: a citizen's public form, no account "
    "(tests/integrity/test_portal_complaints.py::test_one_address_may_send_a_limited_number_a_day)",
    "POST /open/complaint/status/": "no territory: a lookup by reference and access code",
    "POST /integrity/complaints/portal/<int:pk>/decline/": [
        "tests/integrity/test_portal_complaints.py::test_another_regions_portal_complaint_answers_as_unknown",
    ],
    # --- the sector's social map and the juveniles' work
    "POST /prevention/sectors/<str:code>/population/": [
        "tests/prevention/test_sector_passport.py::test_an_inspector_writes_only_in_their_sector_and_sees_only_their_places",
    ],
    "POST /prevention/places/new/": [
        "tests/prevention/test_sector_passport.py::test_an_inspector_writes_only_in_their_sector_and_sees_only_their_places",
        "tests/prevention/test_sector_passport.py::test_a_place_outside_the_sectors_district_is_refused",
    ],
    "POST /prevention/places/<int:pk>/": [
        "tests/prevention/test_sector_passport.py::test_an_inspector_writes_only_in_their_sector_and_sees_only_their_places",
        "tests/prevention/test_juveniles.py::test_officers_are_assigned_only_to_schools_of_ones_own_sector",
    ],
    "POST /prevention/juveniles/new/": [
        "tests/prevention/test_juveniles.py::test_programmes_and_reach_stay_in_the_district",
    ],
    "POST /prevention/juveniles/<int:pk>/": [
        "tests/prevention/test_juveniles.py::test_programmes_and_reach_stay_in_the_district",
    ],
    # --- the inspector's own working time
    "POST /prevention/time/": [
        "tests/prevention/test_working_time.py::test_only_an_inspector_records_and_only_their_own_entries_are_removed",
    ],
}

# Endpoints whose entry above names a test of the role only, not yet of a write into another
# territory by coordinates and codes with a record of that territory present (the test named is
# the nearest there is). Issue 16 item 6 is done when this is empty; it may only shrink.
PENDING: set[str] = set()


def api_writes() -> set[str]:
    found = set()
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            if method != "get":
                found.add(f"{method.upper()} {path}")
    return found


def page_writes() -> set[str]:
    """Page views whose code (decorators included) reads a POST."""
    found: set[str] = set()

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if not (prefix == "" and str(entry.pattern) == "api/"):
                    walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                view = inspect.unwrap(entry.callback)
                if not getattr(view, "__module__", "").startswith("senim."):
                    continue
                if "POST" in inspect.getsource(view):
                    found.add(f"POST /{prefix}{entry.pattern}")

    walk(get_resolver(), "")
    return found


def test_the_walk_finds_the_write_endpoints() -> None:
    assert len(api_writes()) > 30 and len(page_writes()) > 30


def test_every_write_endpoint_names_its_scope_tests() -> None:
    missing = sorted((api_writes() | page_writes()) - WRITES.keys())
    assert not missing, "write endpoints without a scope test in WRITES:\n" + "\n".join(missing)
    gone = sorted(WRITES.keys() - (api_writes() | page_writes()))
    assert not gone, "entries for endpoints that no longer exist:\n" + "\n".join(gone)


def test_every_named_scope_test_exists_and_every_reason_is_given() -> None:
    for endpoint, tests in WRITES.items():
        if isinstance(tests, str):
            assert tests.startswith("no territory: "), endpoint
            continue
        assert tests, endpoint
        for reference in tests:
            file, name = reference.split("::")
            source = (ROOT / file).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.M), f"{endpoint}: {reference}"


def test_pending_only_names_known_write_endpoints() -> None:
    assert WRITES.keys() >= PENDING
