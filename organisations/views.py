from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import access, services
from organisations.forms import ClinicForm, ClinicImportForm, MemberForm, MembershipForm, RegionSwitchForm
from organisations.models import Clinic, HsaIdentity, Membership


def clinic_list(request):
    region = access.require_active_region(request)
    clinics = access.clinics_for_user_in_region(request.user, region).order_by("name")
    return render(
        request,
        "organisations/clinic_list.html",
        {"region": region, "clinics": clinics, "can_admin": access.is_region_admin(request.user, region)},
    )


def clinic_detail(request, pk: int):
    clinic = access.get_clinic_for_user(request.user, pk)
    return render(
        request,
        "organisations/clinic_detail.html",
        {"clinic": clinic, "can_admin": access.is_region_admin(request.user, clinic.region)},
    )


def clinic_create(request):
    region = access.require_region_admin(request)
    form = ClinicForm(request.POST or None, instance=Clinic(region=region))
    if request.method == "POST" and form.is_valid():
        try:
            clinic = services.clinic_save(clinic=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vårdcentralen %(name)s är sparad.") % {"name": clinic.name})
            return redirect("organisations:clinic_detail", pk=clinic.pk)
    return render(request, "organisations/clinic_form.html", {"form": form, "region": region})


def clinic_update(request, pk: int):
    clinic = access.get_clinic_for_user_rw(request.user, pk)
    form = ClinicForm(request.POST or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        services.clinic_save(clinic=form.instance)
        messages.success(request, _("Ändringarna är sparade."))
        return redirect("organisations:clinic_detail", pk=clinic.pk)
    return render(request, "organisations/clinic_form.html", {"form": form, "region": clinic.region, "clinic": clinic})


def clinic_import(request):
    region = access.require_region_admin(request)
    form = ClinicImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.clinics_import_csv(region=region, user=request.user, content=form.cleaned_data["file"].read())
        except services.ClinicImportError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("Importen är klar: %(created)s nya och %(updated)s uppdaterade vårdcentraler.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("organisations:clinic_list")
    return render(request, "organisations/clinic_import.html", {"form": form, "region": region, "problems": problems})


def clinic_import_template(request):
    access.require_region_admin(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vardcentraler-mall.csv"'
    response.write("\ufeff" + ";".join(services.CLINIC_CSV_COLUMNS) + "\r\n")
    response.write("Exempelby vårdcentral;SE2321000000-EX01;;offentlig;8500;1,12;0,98;Storgatan 1;123 45;Exempelby\r\n")
    return response


def member_list(request):
    region = access.require_region_admin(request)
    members = Membership.objects.for_region(region).order_by("user__last_name", "user__first_name", "role")
    return render(request, "organisations/member_list.html", {"region": region, "memberships": members})


def member_create(request):
    region = access.require_region_admin(request)
    form = MemberForm(request.POST or None, clinics=region.clinics.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(region=region, invited_by=request.user, **form.cleaned_data)
        except services.MemberError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(email)s har lagts till.") % {"email": form.cleaned_data["email"]})
            return redirect("organisations:member_list")
    return render(request, "organisations/member_form.html", {"form": form, "region": region})


def member_update(request, pk: int):
    membership = access.get_membership_for_user_rw(request.user, pk)
    hsa_id = HsaIdentity.objects.filter(user=membership.user).values_list("hsa_id", flat=True).first() or ""
    form = MembershipForm(
        request.POST or None,
        initial=MembershipForm.initial_for(membership, hsa_id=hsa_id),
        clinics=membership.region.clinics.all(),
        hsa_id_editable=services.hsa_id_editable_by(request.user, membership.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(membership=membership, changed_by=request.user, **form.cleaned_data)
        except services.MemberError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("organisations:member_list")
    return render(
        request, "organisations/member_form.html", {"form": form, "region": membership.region, "membership": membership}
    )


def member_delete(request, pk: int):
    membership = access.get_membership_for_user_rw(request.user, pk)
    error = None
    if request.method == "POST":
        try:
            services.member_remove(membership=membership)
        except services.MemberError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Rollen är borttagen."))
            return redirect("organisations:member_list")
    return render(request, "organisations/member_confirm_delete.html", {"membership": membership, "error": error})


@require_POST
def region_switch(request):
    form = RegionSwitchForm(request.POST)
    if form.is_valid():
        region = access.set_active_region(request, form.cleaned_data["region"])
        messages.info(request, _("Du arbetar nu i %(region)s.") % {"region": region.name})
    return redirect("home")
