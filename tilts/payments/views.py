"""Payments: a mobility's schedule and what was paid (the coordinator records it), and a project's payments per
member with totals (as CSV or XLSX: tilts.payments.listexports, written in the background)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilts.accounts.models import Role
from tilts.accounts.permissions import current_user, role_required
from tilts.core.collation import latvian
from tilts.core.feedback import show_on_form
from tilts.mobility.models import Mobility
from tilts.payments import selectors, services
from tilts.payments.forms import PaymentForm
from tilts.payments.models import PaymentKind
from tilts.projects.selectors import access_project

PAGE_SIZE = 50


def _mobility(request: HttpRequest, pk: int, *, for_write: bool = False) -> Mobility:
    return selectors.access_payments(current_user(request), pk, for_write=for_write)


def _forms(mobility: Mobility, schedule: list[selectors.Instalment]) -> dict[str, PaymentForm]:
    forms = {}
    for instalment in schedule:
        payment = instalment.payment
        if payment is not None:
            initial: dict[str, Any] = {
                "amount": abs(payment.amount),
                "paid_on": payment.paid_on,
                "paid_to": payment.paid_to,
                "reference": payment.reference,
                "version": payment.version,
            }
        else:
            initial = {
                "amount": abs(instalment.due) if instalment.due is not None else None,
                "paid_on": timezone.localdate(),
            }
        forms[instalment.kind] = PaymentForm(initial=initial, prefix=instalment.kind, recovery=instalment.recovery)
    return forms


def _render(request: HttpRequest, mobility: Mobility, forms: dict[str, PaymentForm] | None = None) -> HttpResponse:
    schedule = selectors.schedule(mobility)
    can_record = selectors.can_record(current_user(request), mobility)
    shown = {**_forms(mobility, schedule), **(forms or {})} if can_record else {}
    return render(
        request,
        "payments/mobility_payments.html",
        {
            "mobility": mobility,
            "amounts": selectors.amounts(mobility),
            "rows": [(instalment, shown.get(instalment.kind)) for instalment in schedule],
            "can_record": can_record,
            "history": selectors.history(mobility),
        },
        status=400 if forms else 200,
    )


@role_required()
def mobility_payments(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _mobility(request, pk))


@require_POST
@role_required(Role.COORDINATOR)
def record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    mobility = _mobility(request, pk, for_write=True)
    if kind not in PaymentKind.values:
        raise Http404
    recovery = any(item.kind == kind and item.recovery for item in selectors.schedule(mobility))
    form = PaymentForm(request.POST, prefix=kind, recovery=recovery)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_payment(
                mobility,
                kind=kind,
                amount=form.signed_amount(),
                paid_on=data["paid_on"],
                paid_to=data["paid_to"],
                reference=data["reference"],
                version=data["version"],
                by=current_user(request),
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The payment has been recorded."))
            return redirect("payments:mobility", pk=pk)
    return _render(request, mobility, {kind: form})


@role_required(Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)
def project_payments(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = access_project(user, pk)
    mobilities = (
        selectors.with_amounts(selectors.project_mobilities(user, project))
        .prefetch_related("payments")
        .order_by(latvian("sending_organisation__legal_name"), "start_date", "pk")
    )
    members = selectors.by_member(mobilities)
    page = Paginator(mobilities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/project_payments.html",
        {
            "project": project,
            "members": members,
            "total": selectors.total_of(members),
            "page": page,
            "rows": [(m, selectors.amounts(m), selectors.schedule(m)) for m in page.object_list],
        },
    )
