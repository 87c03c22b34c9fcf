"""Demo data: group activities of adult learners in the 2025 demo project, one approved (exported in the
Beneficiary Module's group section) and one draft. Running it again changes nothing."""

import datetime
from decimal import Decimal

from tilts.accounts.models import Role, User
from tilts.consortium.models import Consortium
from tilts.grants import services as grant_services
from tilts.mobility import services
from tilts.projects.models import Project

DEMO_GROUPS = [
    # title, host, city, country, start offset from the project's start (days), learners, of them with fewer
    # opportunities, accompanying persons, means of transport, final status
    ("Senioru digitālo prasmju kurss", "Tallinna Keskraamatukogu", "Tallinn", "EE", 130, 12, 3, 2, "bus", "approved"),
    ("Latviešu valodas kursa grupa", "Vilniaus apskrities biblioteka", "Vilnius", "LT", 200, 8, 1, 1, "train", "draft"),
]


def seed(consortium: Consortium) -> None:
    project = Project.objects.filter(consortium=consortium, call_year=2025, title__endswith="(demo)").first()
    if project is None or project.group_activities.exists():
        return
    coordinator = User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
    sender = project.mobilities.exclude(sending_organisation=consortium.coordinator).order_by("pk").first()
    if coordinator is None or sender is None:
        return
    organisation = sender.sending_organisation
    lead = User.objects.filter(organisation=organisation, is_active=True).order_by("pk").first()
    origin = services.default_origin(organisation)
    if lead is None or not origin:
        return
    for title, host, city, country, offset, learners, fewer, accompanying, transport, status in DEMO_GROUPS:
        venue = next((p.ref for p in grant_services.search_places(city, 10) if p.country == country), "")
        if not venue:
            continue
        start = project.start_date + datetime.timedelta(days=offset)
        group = services.create_group_activity(
            by=coordinator,
            project=project,
            sending_organisation=organisation,
            title=title,
            activity_type="group_mobility",
            receiving_name=host,
            receiving_country=country,
            receiving_city=city,
            origin=origin,
            venue=venue,
            start_date=start,
            end_date=start + datetime.timedelta(days=4),
            travel_days=2,
            means_of_transport=transport,
            learners=learners,
            learners_fewer_opportunities=fewer,
            accompanying_persons=accompanying,
            lead_accompanying_person=lead,
            learner_daily_rate=Decimal("60.00"),  # the demo grant agreement's rate for adult learners
            topic=f"{host}: mācības pieaugušo izglītojamo grupai",
        )
        for step in {"draft": [], "approved": ["submitted", "approved"]}[status]:
            group = services.transition_group(group, step, by=coordinator)
