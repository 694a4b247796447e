"""Forms of the staff page and the admin: one activity's status, text and detail lines."""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from projects.models import Activity, Area, FiscalYear, ProjectRow, Status
from projects.reports.history import changes_since, conflict_message
from projects.table import notation, text
from projects.table.files import empty_file, too_large


def validate_cell_text(value) -> None:
    """Text a cell of the 資料 can hold (``table.text``): no control character but line breaks
    and tabs, at most Excel's 32,767 characters. A text, or a list of them (detail lines)."""
    for item in value if isinstance(value, list | tuple) else [value]:
        if isinstance(item, str) and (why := text.problem(item)):
            raise ValidationError(why, code="cell_text")


STATUS_CHOICES = [(s.value, f"{s.glyph} {s.label}") for s in Status]
UNMARKED_CHOICE = ("", "(記号なし)")


def status_choices(current: str | None) -> list[tuple[str, str]]:
    """The four statuses; a line that has no marker keeps that option until it gets one."""
    return [*STATUS_CHOICES, UNMARKED_CHOICE] if current is None else list(STATUS_CHOICES)


class DetailsField(forms.CharField):
    """The detail lines (「・」…) of an activity, one per line of a textarea."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "詳細行")
        kwargs.setdefault("help_text", "1 行に 1 項目、「・」で始めます。")
        kwargs.setdefault("strip", False)  # text is data: keep every character
        kwargs.setdefault("validators", [validate_cell_text])
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        text = super().to_python(value) or ""
        return notation.split_lines(text)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for number, line in enumerate(value, start=1):
            if notation.classify_line(line).kind != "detail":
                raise ValidationError(
                    "詳細行は「・」で始めてください (%(n)s 行目: 「%(line)s」)。",
                    code="detail_without_bullet",
                    params={"n": number, "line": line[:30]},
                )


def clean_activity_text(text: str) -> str:
    """One line that does not start with a marker: the status is chosen, not typed."""
    if "\n" in text or "\r" in text:
        raise ValidationError(
            "内容は 1 行で入力してください (補足は「詳細行」に書きます)。", code="multiline"
        )
    line = notation.classify_line(text)
    if line.kind == "activity":
        raise ValidationError(
            "内容の先頭に記号 (● ○ △ ■) は書かず、「状況」で選んでください。",
            code="marker_in_text",
        )
    if line.kind == "detail":
        raise ValidationError(
            "「・」で始まる行は「詳細行」に書いてください。", code="detail_as_text"
        )
    if line.kind == "unknown_marker":
        raise ValidationError(
            "内容の先頭の「%(symbol)s」は凡例にない記号です。記号は「状況」で選んでください。",
            code="unknown_marker",
            params={"symbol": line.symbol},
        )
    return text


class ActivityFieldsMixin:
    """Text and details rules shared by the staff page and the admin."""

    def clean_text(self):
        return clean_activity_text(self.cleaned_data["text"])

    @cached_property
    def page_fields(self) -> dict:
        """What the staff page writes out for this form's fields, computed once: a page has
        a hundred of these forms, and the widgets' own templates would take most of its time."""
        status, text, details = self["status"], self["text"], self["details"]
        chosen = status.value() or ""
        value = details.value()
        return {
            "status": {
                "name": status.html_name,
                "id": status.auto_id,
                "required": status.field.required,
                "choices": [
                    (f"{status.auto_id}_{i}", v, label, v == chosen)
                    for i, (v, label) in enumerate(status.field.choices)
                ],
            },
            "text": {"name": text.html_name, "id": text.auto_id, "value": text.value() or ""},
            "details": {
                "name": details.html_name,
                "id": details.auto_id,
                "value": self.fields["details"].prepare_value(value) if value else "",
            },
        }


class ActivityForm(ActivityFieldsMixin, forms.Form):
    """One activity on the staff page; ``version`` is the version the form was rendered with."""

    status = forms.ChoiceField(label="状況", widget=forms.RadioSelect, required=False)
    text = forms.CharField(
        label="内容",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_cell_text],
    )
    details = DetailsField()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, activity: Activity | None = None, **kwargs):
        if activity is not None:
            kwargs.setdefault(
                "initial",
                {
                    "status": activity.status or "",
                    "text": activity.text,
                    "details": activity.details,
                    "version": activity.version,
                },
            )
            kwargs.setdefault("prefix", f"a{activity.pk}")
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["status"].choices = status_choices(activity.status if activity else "")

    def clean_status(self):
        status = self.cleaned_data["status"]
        if not status and (self.activity is None or self.activity.status is not None):
            raise ValidationError("状況を選んでください。", code="required")
        return status or None


class NewActivityForm(ActivityFieldsMixin, forms.Form):
    status = forms.ChoiceField(label="状況", choices=STATUS_CHOICES, widget=forms.RadioSelect)
    text = forms.CharField(
        label="内容",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_cell_text],
    )
    details = DetailsField()

    def __init__(self, *args, row=None, **kwargs):
        if row is not None:
            kwargs.setdefault("prefix", f"r{row.pk}")
        super().__init__(*args, **kwargs)
        self.fields["status"].error_messages["required"] = "状況を選んでください。"


class VersionCheckMixin:
    """Admin forms carry the version they were rendered with; a stale one is refused here
    (and again, race-proof, by the conditional update in editing.update_activity)."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.has_changed():
            expected = cleaned.get("expected_version")
            if expected is None:
                raise ValidationError(
                    "フォームに版の情報がありません。ページを開き直してください。",
                    code="no_version",
                )
            current = Activity.objects.filter(pk=self.instance.pk).first()
            if current is not None and current.version != expected:
                raise ValidationError(
                    conflict_message(changes_since(current, expected)), code="conflict"
                )
        return cleaned


class VersionedSelect(forms.Select):
    """A changelist row's status select that also carries the row's version: the changelist
    renders only the list_editable fields."""

    hidden = None

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        return html + self.hidden() if self.hidden else html


class ActivityChangelistForm(VersionCheckMixin, forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        widget = VersionedSelect()
        widget.hidden = lambda: self["expected_version"].as_hidden()
        self.fields["status"].widget = widget
        self.fields["status"].choices = [UNMARKED_CHOICE, *STATUS_CHOICES]


class ActivityAdminForm(VersionCheckMixin, ActivityFieldsMixin, forms.ModelForm):
    """The admin's activity form, with the version it was rendered with as a hidden field."""

    text = forms.CharField(
        label="内容",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_cell_text],
    )
    details = DetailsField()
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = ["row", "status", "text", "details"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        if "status" in self.fields:
            self.fields["status"].choices = [UNMARKED_CHOICE, *STATUS_CHOICES]


class ProjectRowForm(forms.ModelForm):
    """A row of a project in the admin: its 事業の概要 and its own 関係市町, as written."""

    class Meta:
        model = ProjectRow
        fields = ["order", "summary", "municipalities_text"]

    def clean_municipalities_text(self):
        value = self.cleaned_data["municipalities_text"]
        members = Area.objects.members()
        year = self.instance.project.fiscal_year.year if self.instance.project_id else None
        reading = members.read(value, year)
        if reading.unknown or reading.retired:
            raise ValidationError(
                "「%(names)s」は圏域の市町ではありません。市町の名前を「、」で区切って書くか、"
                "「%(all)s」と書いてください。",
                code="unknown_municipality",
                params={
                    "names": "」「".join(reading.unknown + reading.retired),
                    "all": members.all_words[0],
                },
            )
        return value if reading.names else ""


class UploadForm(forms.Form):
    file = forms.FileField(
        label="資料の Excel ブック (.xlsx)",
        error_messages={
            "empty": empty_file(),
            "required": "資料の Excel ブック (.xlsx) を選んでください。",
        },
    )
    year = forms.IntegerField(
        label="年度 (西暦の開始年)",
        required=False,
        min_value=1989,
        max_value=2200,
        help_text="表題から年度が読めないときだけ指定します (例: 2020)。",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.OVERVIEW_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(too_large(upload.size, limit), code="too_large")
        return upload


class MunicipalityFilterForm(forms.Form):
    municipality = forms.ChoiceField(label="市町", required=False)

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", "すべての市町")] + [
            (m.slug, m.name) for m in municipalities
        ]


RESULTS_WORDINGS = ("実績見込み", "実績", "実施状況", "取組状況", "進捗状況")


def round_title(fiscal_year) -> str:
    """The round's default title in the edition's own words: 「令和3年度実績照会」 for an
    edition titled 実績, 「令和2年度実績見込み照会」 for one titled 実績見込み."""
    for wording in (fiscal_year.title or "", (fiscal_year.results_header or "").split("\n")[0]):
        word = next((w for w in RESULTS_WORDINGS if w in wording), None)
        if word:
            return f"{fiscal_year.label}{word}照会"
    return f"{fiscal_year.label}実績照会"


class RoundForm(forms.Form):
    """The secretariat's new reporting round (照会)."""

    fiscal_year = forms.ModelChoiceField(label="年度", queryset=None, empty_label=None)
    title = forms.CharField(
        label="件名",
        max_length=200,
        required=False,
        help_text="例: 令和2年度実績見込み照会。空欄なら、選んだ年度の資料の言葉で付けます。",
    )
    deadline = forms.DateField(
        label="締切日",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日付が正しくありません (例: 2021-02-10)。"},
    )
    message = forms.CharField(
        label="依頼文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="メールと回答のページに載せます。",
    )
    municipalities = forms.ModelMultipleChoiceField(
        label="照会する市町",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "照会する市町を選んでください。"},
    )

    def __init__(self, *args, years=(), municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].queryset = FiscalYear.objects.filter(
            pk__in=[fy.pk for fy in years]
        ).order_by("-year")
        self.fields["fiscal_year"].label_from_instance = lambda fy: fy.label
        self.fields["municipalities"].queryset = municipalities
        if not self.is_bound:
            self.initial.setdefault("municipalities", list(municipalities))
            if years:
                self.initial.setdefault("fiscal_year", years[0].pk)
                self.initial.setdefault("title", round_title(years[0]))
        self.defaults = {round_title(fy) for fy in years}

    def clean(self):
        """A title left empty, or left at another year's default, is the chosen year's."""
        data = super().clean()
        year, title = data.get("fiscal_year"), (data.get("title") or "").strip()
        if year is not None and (
            not title or (title in self.defaults and title != round_title(year))
        ):
            data["title"] = round_title(year)
        return data


class StaffFilterForm(MunicipalityFilterForm):
    """The staff page's filters: the municipality (the secretariat's choice; None leaves it
    out) and the strategy."""

    strategy = forms.ChoiceField(label="取組", required=False)

    def __init__(self, *args, municipalities=None, strategies=(), **kwargs):
        super().__init__(*args, municipalities=municipalities or (), **kwargs)
        if municipalities is None:
            del self.fields["municipality"]
        self.fields["strategy"].choices = [("", "すべての取組")] + [
            (str(s.number), f"{s.number} {s.title}") for s in strategies
        ]
