"""Writes of the cases app: one function per domain verb, atomic, each writing its timeline events."""

from cases.services.attachments import case_attach
from cases.services.clocks import case_clock_events, case_clocks, case_clocks_recompute
from cases.services.escalation import EscalationRefused, case_escalate
from cases.services.explain import case_explain
from cases.services.intake import CaseNotEligible, RequestTopic, case_open, case_record_withdrawn
from cases.services.lifecycle import (
    case_assign,
    case_classify_defect,
    case_close,
    case_comment,
    case_provide_information,
    case_reopen,
    case_request_information,
    case_resolve,
    case_start_work,
    case_triage,
    case_withdraw,
    exclusion_referral,
)
from cases.services.satisfaction import RATING_KINDS, case_may_be_rated, case_rate
from cases.services.self_service import (
    CustomerClose,
    EscalationRule,
    EscalationWindow,
    case_customer_close,
    customer_may_solve,
    escalation_window,
)
from cases.transitions import TransitionRefused

__all__ = [
    "RATING_KINDS",
    "CaseNotEligible",
    "CustomerClose",
    "EscalationRefused",
    "EscalationRule",
    "EscalationWindow",
    "RequestTopic",
    "TransitionRefused",
    "case_assign",
    "case_attach",
    "case_classify_defect",
    "case_clock_events",
    "case_clocks",
    "case_clocks_recompute",
    "case_close",
    "case_comment",
    "case_customer_close",
    "case_escalate",
    "case_explain",
    "case_may_be_rated",
    "case_open",
    "case_provide_information",
    "case_rate",
    "case_record_withdrawn",
    "case_reopen",
    "case_request_information",
    "case_resolve",
    "case_start_work",
    "case_triage",
    "case_withdraw",
    "customer_may_solve",
    "escalation_window",
    "exclusion_referral",
]
