"""The translation string factory of the drafting module (domain ``beffroi_drafting``)."""
from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("beffroi_drafting")
