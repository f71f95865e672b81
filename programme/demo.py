"""Demo data for the programme (run by ``manage.py demo`` after the dialogs' demo): Region Demo's cycle, the
clinics' contact addresses, and a programme in which everything has something to show.

- Cycle: every 12 months, letter four weeks ahead, preparations due a week before, the reminder and the feedback
  due date chosen so that both are due today (about three weeks before the day; five days after it).
- Clinics due: Centrumkliniken has never had a dialogue and Strandängen (own interval of 6 months after its
  merger) are overdue; Kvarnbacken (own interval of 3 months, new manager) is due soon; the rest are planned or
  not due yet.
- Reminders pending (``manage.py send_reminders`` queues them): the utvecklingsavdelning has not prepared for
  Björkdalen's dialogue in three weeks, and Skogsbrynet's feedback was due yesterday.
- The letter has gone to Hamnstaden (the demo's e-mail goes nowhere); Björkdalen's is due, a to-do for the team.

Idempotent: nothing happens once Region Demo has its cycle.
"""

from django.utils import timezone

from dialogs.models.dialogue import ClinicParticipant, Dialogue, DialogueStatus
from dialogs.services.mail import dialogue_letter_send
from organisations.models import Clinic, Region
from programme.models import ClinicCycle, CycleSettings
from programme.services import clinic_cycle_save, cycle_settings_save

OWN_INTERVALS = {
    "D007": (6, "Sammanslagen med Åsens vårdcentral – tätare uppföljning första året."),
    "D006": (3, "Ny verksamhetschef – en kortare dialog efter tre månader."),
}


def seed(*, stdout=None) -> list[tuple[str, str]]:
    region = Region.objects.filter(name="Region Demo").first()
    if region is None or CycleSettings.objects.filter(region=region).exists():
        return []
    clinics = {clinic.hsa_id[-4:]: clinic for clinic in Clinic.objects.filter(region=region)}
    today = timezone.localdate()
    dialogues = Dialogue.objects.filter(clinic__region=region)
    # The dialogs demo places its dialogues on weekdays near a number of days from today: read where they fell.
    upcoming = dialogues.filter(clinic=clinics.get("D001"), date__gt=today).order_by("date").first()
    held = dialogues.filter(clinic=clinics.get("D004"), status=DialogueStatus.GENOMFORD).order_by("-date").first()
    reminder_days = min(max((upcoming.date - today).days if upcoming else 21, 8), 27)
    feedback_days = min(max((today - held.date).days - 1 if held else 5, 1), 90)
    cycle_settings_save(
        region=region, user=None, interval_months=12, due_soon_months=3, letter_weeks_before=4,
        preparation_days_before=7, preparation_reminder_days_before=reminder_days, feedback_due_days_after=feedback_days,
        follow_up_reminder_days_before=3,
    )
    for suffix, clinic in clinics.items():
        if not clinic.contact_email:
            clinic.contact_email = f"vardcentral-{suffix.lower()}@example.org"
            clinic.save(update_fields=["contact_email", "updated_at"])
    for suffix, (months, reason) in OWN_INTERVALS.items():
        if suffix in clinics and not ClinicCycle.objects.filter(clinic=clinics[suffix]).exists():
            clinic_cycle_save(clinic=clinics[suffix], user=None, interval_months=months, reason=reason)
    planned = Dialogue.objects.filter(clinic__region=region, status__in=[DialogueStatus.PLANERAD, DialogueStatus.FORBEREDELSE])
    for participant in ClinicParticipant.objects.filter(dialogue__in=planned, email=""):
        participant.email = f"{participant.name.split()[0].lower()}@example.org"
        participant.save(update_fields=["email"])
    hamnstaden = planned.filter(clinic=clinics.get("D002")).order_by("date").first()
    if hamnstaden is not None:
        dialogue_letter_send(dialogue=hamnstaden, user=hamnstaden.created_by)
    if stdout is not None:
        stdout.write("Region Demo har fått en uppföljningscykel, kontaktadresser och ett förord skickat till Hamnstaden.")
    return []
