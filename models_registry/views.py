from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from benchmarks.changelog import model_changes
from models_registry.models import AIModel


@require_GET
def model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    ai_model = get_object_or_404(AIModel.objects.select_related("organization"), slug=slug)
    return render(
        request,
        "models_registry/model_detail.html",
        {"ai_model": ai_model, "changes": model_changes(ai_model)},
    )
