"""API tokens under the user menu: make one (its key shown once), see when each was last used, and
revoke it; a park administrator also sees and revokes the tokens of their parks' people."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import scoping
from ..forms.tokens import ApiTokenForm
from ..models import ApiToken
from .common import posted_data


def _page(request, form, *, key: str = "", status: int = 200):
    user = request.user
    managed = scoping.api_tokens_for(user).select_related("user", "revoked_by").order_by("-created_at", "-pk")
    context = {
        "form": form,
        "key": key,
        "own": [t for t in managed if t.user_id == user.pk],
        "others": [t for t in managed if t.user_id != user.pk],
    }
    return render(request, "cases/api_tokens.html", context, status=status)


def api_tokens(request):
    """The user's tokens and the form for a new one; the new key is shown once, on this answer."""
    form = ApiTokenForm(posted_data(request), user=request.user)
    if request.method != "POST":
        return _page(request, form)
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        with transaction.atomic():
            _token, key = ApiToken.objects.create_for(
                request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
    except IntegrityError:
        form.add_error("name", _("You already have a token of this name."))
        return _page(request, form, status=422)
    # A fresh form: the key is on this page only, and is not kept anywhere.
    return _page(request, ApiTokenForm(user=request.user), key=key)


@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(scoping.api_tokens_for(request.user), pk=pk)
    token.revoke(by=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api-tokens")
