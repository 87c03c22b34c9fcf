"""Content fields kept in every site language (django-modeltranslation adds ``_lv`` and ``_en`` columns)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from tilts.consortium.models import Consortium, Goal


@register(Consortium)
class ConsortiumTranslationOptions(TranslationOptions):
    fields = ("name", "short_name", "contact_unit", "about")
    required_languages = {"lv": ("name",), "en": ("name",)}


@register(Goal)
class GoalTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"lv": ("title",), "en": ("title",)}


# django-simple-history builds its historical model from the fields that exist when it is registered; doing it
# here, after modeltranslation has added the _lv/_en columns, records every language's text.
register_history(Consortium)
register_history(Goal)
