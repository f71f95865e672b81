"""The pre-meeting letter (Bilaga 1) as a web page and PDF, and the region's letter template."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogs import access
from dialogs.forms.dialogue import LetterTemplateForm
from dialogs.selectors import dialogue as selectors
from dialogs.services import letter as letter_services
from dialogs.services import mail
from dialogs.views.dialogue import file_response


def dialogue_letter(request, pk: int):
    """The letter as the clinic receives it: in the site's language (Swedish) whatever the reader's, marked so."""
    dialogue = access.get_dialogue_for_user(request.user, pk)
    page = selectors.dialogue_letter(dialogue)
    can_edit_template = access.is_region_admin(request.user, dialogue.clinic.region)
    context = {"dialogue": dialogue, "page": page, "can_edit_template": can_edit_template,
               "letter_language": settings.LANGUAGE_CODE}
    if access.can_edit_dialogue(request.user, dialogue):
        recipients = mail.letter_recipients(dialogue, page.participants)
        context |= {
            "can_send": True,
            "recipients": recipients,
            "send_blocker": mail.letter_blocker(dialogue, recipients),
            "sent": mail.dialogue_messages(dialogue, kind=mail.LETTER),
            "can_edit_clinic": can_edit_template,
        }
    return render(request, "dialogs/dialogue/letter.html", context)


@require_POST
def dialogue_letter_send(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    try:
        sending = mail.dialogue_letter_send(dialogue=dialogue, user=request.user)
    except mail.LetterNotSendable as error:
        messages.error(request, str(error))
    else:
        if sending.new:
            messages.success(request, _("Förordet skickas till %(addresses)s.") % {"addresses": ", ".join(sending.new)})
        if sending.earlier:
            messages.info(request, _("Till %(addresses)s har förordet redan gått; det skickas inte igen.") % {
                "addresses": ", ".join(sending.earlier)})
    return redirect(reverse("dialogs:dialogue_letter", args=[dialogue.pk]) + "#letter-sending")


def dialogue_letter_pdf(request, pk: int):
    dialogue = access.get_dialogue_for_user(request.user, pk)
    pdf = mail.letter_pdf(dialogue, selectors.dialogue_letter(dialogue))  # the PDF the clinic receives by e-mail
    return file_response(pdf, "application/pdf", f"forord-uppfoljningsdialog-{dialogue.date:%Y-%m-%d}.pdf")


def letter_template_update(request):
    region = access.require_region_admin(request)
    subject, body = letter_services.letter_template_for_region(region)
    base = letter_services.letter_template_stamp(subject, body)
    form = LetterTemplateForm(request.POST or None, initial={"subject": subject, "body": body, "base": base})
    context = {"region": region, "form": form, "placeholders": letter_services.PLACEHOLDERS}
    if request.method == "POST" and form.is_valid():
        try:
            letter_services.letter_template_save(region=region, user=request.user, **form.cleaned_data)
        except letter_services.LetterTemplateChanged as changed:
            form.accept_saved(changed)
            form.add_error(None, changed)
            context["saved"] = changed  # the letter as saved now, above the person's own (409, nothing lost)
            return render(request, "dialogs/dialogue/letter_template_form.html", context, status=409)
        messages.success(request, _("Brevmallen är sparad."))
        return redirect("dialogs:letter_template_update")
    return render(request, "dialogs/dialogue/letter_template_form.html", context)


@require_POST
def letter_template_reset(request):
    region = access.require_region_admin(request)
    letter_services.letter_template_reset(region=region)
    messages.success(request, _("Brevmallen har återställts till standardtexten."))
    return redirect("dialogs:letter_template_update")
