"""The public message form (with its human check) and the inbox's reply and adopt forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from residents import challenge
from residents.models import NAME_MAX, PHONE_MAX, TEXT_MAX
from residents.services import REPLY_MAX, TITLE_MAX


class PublicMessageForm(forms.Form):
    text = forms.CharField(
        label=_("您想反映的问题或建议"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX})
    )
    region = forms.ModelChoiceField(label=_("所在村(社区)"), queryset=None, required=False, empty_label=_("（不选）"))
    name = forms.CharField(label=_("姓名（可不填）"), max_length=NAME_MAX, required=False)
    phone = forms.CharField(
        label=_("联系电话（可不填）"), max_length=PHONE_MAX, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    answer = forms.CharField(label=_("验证问题"), max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    challenge = forms.CharField(widget=forms.HiddenInput)
    # A field people never see (hidden by CSS); scripts that fill every input fill it too.
    website = forms.CharField(label=_("请勿填写"), required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, station, **kwargs):
        from residents.selectors import villages_of

        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = villages_of(station)
        # A fresh question on every render, also when the form comes back with errors.
        question, token = challenge.issue()
        self.question = question
        self.fields["answer"].label = question
        self.fields["answer"].help_text = _("请用阿拉伯数字回答，如 7。")
        self.new_token = token

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("提交未通过校验。"))
        error = challenge.verify(self.data.get("challenge", ""), self.data.get("answer", ""))
        if error:
            self.add_error("answer", error)
        return data

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.errors:
            self.forget_answer()

    def forget_answer(self) -> None:
        """The form comes back with a new question: the answer to the old one must not stay in the box
        (also when the service refuses what the form accepted)."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data["answer"] = ""


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("回复群众"), max_length=REPLY_MAX, widget=forms.Textarea(attrs={"rows": 4}))


class AdoptForm(forms.Form):
    title = forms.CharField(label=_("建议标题（可修改）"), max_length=TITLE_MAX * 2, required=False)
    lead_deputy = forms.ModelChoiceField(label=_("领衔代表"), queryset=None, required=False)

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if deputies is None:
            del self.fields["lead_deputy"]
        else:
            self.fields["lead_deputy"].queryset = deputies
