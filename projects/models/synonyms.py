"""Words residents type for what the table calls otherwise (サイクリング, じてんしゃ → 自転車,
サイクル), kept by the secretariat in the admin and read by the public search."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SEPARATORS = ",、，\n"


def split_words(text: str) -> list[str]:
    """The words of a list written with commas (、 or ,) or one per line."""
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return [w.strip() for w in text.split(SEPARATORS[0]) if w.strip()]


class Synonym(models.Model):
    """A word and the other words that find the same projects: a query for any one of them
    also finds the others (a group, each way round)."""

    term = models.CharField(_("見出し語"), max_length=50, unique=True)
    words = models.TextField(
        _("同じ意味で検索する言葉"),
        help_text=_("読点 (、) かコンマで区切るか、1 行に 1 語で書きます。ひらがな・英語も可。"),
    )

    class Meta:
        ordering = ["term"]
        verbose_name = _("検索の同義語")
        verbose_name_plural = _("検索の同義語")

    def __str__(self):
        return self.term

    def word_list(self) -> list[str]:
        return [self.term, *(w for w in split_words(self.words) if w != self.term)]
