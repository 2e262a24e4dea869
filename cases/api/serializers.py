"""What the API shows of each record: its own fields, labelled by the model's verbose names (Chinese or
English), foreign keys as ids with the park's and case's codes beside them. Nothing private: no
storage path of an evidence file, no token hash, no search columns."""

from django.urls import reverse
from rest_framework import serializers

from ..models import (
    CaseDeadline,
    CaseEvent,
    DisposalCase,
    DisposalTarget,
    Enterprise,
    EvidenceDocument,
    LandParcel,
    MonthClose,
    Park,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
    Status,
)


class ParkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Park
        fields = ["id", "code", "name", "district"]


class EnterpriseSerializer(serializers.ModelSerializer):
    park_code = serializers.CharField(source="park.code", read_only=True)

    class Meta:
        model = Enterprise
        fields = "__all__"


class ParcelSerializer(serializers.ModelSerializer):
    park_code = serializers.CharField(source="park.code", read_only=True)

    class Meta:
        model = LandParcel
        fields = "__all__"


class CaseSerializer(serializers.ModelSerializer):
    park_code = serializers.CharField(source="parcel.park.code", read_only=True)
    parcel_code = serializers.CharField(source="parcel.code", read_only=True)
    # Not editable, so DRF would leave out that it may be blank.
    status_before_close = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)

    class Meta:
        model = DisposalCase
        exclude = ["search_text", "search_grams"]


class EventSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = CaseEvent
        fields = "__all__"


class DocumentSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceDocument
        exclude = ["file"]

    def get_download(self, document) -> str:
        """The address of the file, permission-checked like the page's download."""
        return reverse("api-evidence-download", args=[document.pk])

    def to_representation(self, document):
        data = super().to_representation(document)
        # A park that strips photo positions from copies leaving the system strips them here too.
        if document.case.parcel.park.strip_photo_location:
            data["latitude"] = data["longitude"] = None
        return data


class MeasureSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = RevitalisationMeasure
        fields = "__all__"


class PartnerSerializer(serializers.ModelSerializer):
    park_code = serializers.CharField(source="park.code", read_only=True)

    class Meta:
        model = Partner
        fields = "__all__"


class LeadSerializer(serializers.ModelSerializer):
    park_code = serializers.CharField(source="park.code", read_only=True)

    class Meta:
        model = ProjectLead
        fields = "__all__"


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseDeadline
        exclude = ["valid_until", "clocks", "rule_order"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisposalTarget
        fields = "__all__"


class MonthCloseSerializer(serializers.ModelSerializer):
    park_code = serializers.CharField(source="park.code", read_only=True)

    class Meta:
        model = MonthClose
        fields = "__all__"
