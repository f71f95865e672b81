"""Writes of the accessibility statement: the region's settings, and reports of accessibility problems.

A report is stored and e-mailed (through the outbox, after the commit) to the region's administrators and the
region's contact address. The form is open to anyone, so it is limited: a sender (a keyed hash of their address)
may send ``PER_SENDER_PER_HOUR`` reports an hour, a region takes ``PER_REGION_ANONYMOUS_PER_HOUR`` reports an hour
from people who are not signed in, and the same text from the same sender within a day is the same report.
"""

import hashlib
import hmac
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accessibility.models import ProblemReport, StatementSettings
from notifications.services import InvalidRecipient, absolute_url, message_queue, message_queue_many
from organisations.models import Region, Role

logger = logging.getLogger(__name__)

PER_SENDER_PER_HOUR = 5
PER_REGION_ANONYMOUS_PER_HOUR = 30


class ReportRefused(Exception):
    """Too many reports: the message says what to do instead."""


def client_fingerprint(address: str) -> str:
    """A keyed hash of the sender's network address: enough to count their reports, not to find them."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def statement_settings_save(*, region: Region, user, organisation: str, contact_email: str, contact_phone: str,
                            published_on) -> StatementSettings:
    statement, _created = StatementSettings.objects.select_for_update().get_or_create(region=region)
    statement.organisation = organisation.strip()
    statement.contact_email = contact_email.strip()
    statement.contact_phone = contact_phone.strip()
    statement.published_on = published_on
    statement.updated_by = user
    statement.save()
    return statement


def _refuse_if_too_many(*, region: Region, user, client: str) -> None:
    since = timezone.now() - timedelta(hours=1)
    recent = ProblemReport.objects.filter(created_at__gte=since)
    sender = recent.filter(user=user) if user is not None else recent.filter(client=client, user__isnull=True)
    contact = StatementSettings.objects.filter(region=region).values_list("contact_email", flat=True).first()
    instead = (
        _(" Skriv till %(address)s om det brådskar.") % {"address": contact} if contact else ""
    )
    if sender.count() >= PER_SENDER_PER_HOUR:
        raise ReportRefused(_("Du har skickat flera rapporter den senaste timmen. Vänta en stund och försök igen.") + instead)
    if user is None and recent.filter(region=region, user__isnull=True).count() >= PER_REGION_ANONYMOUS_PER_HOUR:
        logger.warning("Accessibility reports to region %s: the hourly limit for anonymous reports is reached", region.pk)
        raise ReportRefused(_("Regionen har tagit emot många rapporter den senaste timmen. Försök igen senare.") + instead)


@transaction.atomic
def problem_report_submit(*, region: Region, user, client_address: str, page: str, description: str, name: str,
                          email: str) -> ProblemReport:
    """Store the report and e-mail it to the region. The same text from the same sender within a day is the report
    already received (a second press of the button sends nothing more)."""
    user = user if user is not None and user.is_authenticated else None
    client = client_fingerprint(client_address)
    # One sender's reports are counted and compared one at a time (two presses racing queue one report).
    Region.objects.select_for_update().filter(pk=region.pk).first()
    sender = ProblemReport.objects.filter(user=user) if user else ProblemReport.objects.filter(client=client, user=None)
    existing = sender.filter(
        region=region, description=description, created_at__gte=timezone.now() - timedelta(days=1)
    ).first()
    if existing is not None:
        return existing
    _refuse_if_too_many(region=region, user=user, client=client)
    report = ProblemReport.objects.create(
        region=region, user=user, client=client, page=page, description=description, name=name, email=email
    )
    _send(report)
    return report


def _send(report: ProblemReport) -> None:
    context = {"report": report, "region": report.region, "url": absolute_url(reverse("accessibility:report_list"))}
    options = {
        "kind": "accessibility.report",
        "template": "accessibility/email/report",
        "context": context,
        "topic": f"accessibility-report:{report.pk}",
        "dedupe_key": f"accessibility-report:{report.pk}",
    }
    admins = [membership.user for membership in report.region.memberships.filter(role=Role.ADMIN).select_related("user")]
    message_queue_many(recipients=admins, **options)
    contact = StatementSettings.objects.filter(region=report.region).values_list("contact_email", flat=True).first()
    if contact:
        try:
            message_queue(to=contact, **options)
        except InvalidRecipient:
            logger.warning("Region %s: the accessibility contact address %r cannot receive e-mail", report.region.pk, contact)


@transaction.atomic
def problem_report_handle(*, report: ProblemReport, user) -> ProblemReport:
    """Mark a report as dealt with (the first administrator to do so is kept)."""
    if report.handled_at is None:
        report.handled_at = timezone.now()
        report.handled_by = user
        report.save(update_fields=["handled_at", "handled_by"])
    return report
