"""The ceiling: parse the JSON body and insert one row; no validation, checks or throttles."""

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from benchmarks.ceiling_app.models import CeilingRow


@csrf_exempt
@require_POST
def insert_one_row(request: HttpRequest) -> JsonResponse:
    row = CeilingRow.objects.create(body=json.loads(request.body)["body"])
    return JsonResponse({"id": row.pk}, status=202)
