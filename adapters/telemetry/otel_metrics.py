"""OpenTelemetry metrics: the catalogue as instruments with explicit buckets, read by Prometheus (scraped at
GET /metrics) and, when configured, pushed over OTLP."""

from opentelemetry.metrics import Counter, Histogram
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource

from domain.telemetry.catalogue import CATALOGUE, Instrument, Kind
from domain.telemetry.points import MetricPoint

METER_NAME = "dify.enterprise"


def make_meter_provider(resource: Resource, readers: list[MetricReader]) -> MeterProvider:
    views = [
        View(instrument_name=i.name, aggregation=ExplicitBucketHistogramAggregation(boundaries=i.buckets))
        for i in CATALOGUE
        if i.kind == Kind.HISTOGRAM
    ]
    return MeterProvider(resource=resource, metric_readers=readers, views=views)


class OtelMetricsSink:
    def __init__(self, provider: MeterProvider) -> None:
        meter = provider.get_meter(METER_NAME)
        self._instruments: dict[str, Counter | Histogram] = {}
        for instrument in CATALOGUE:
            create = meter.create_histogram if instrument.kind == Kind.HISTOGRAM else meter.create_counter
            self._instruments[instrument.name] = create(
                instrument.name, unit=instrument.unit, description=instrument.description
            )

    def emit(self, points: list[MetricPoint]) -> None:
        for point in points:
            self._write(point.instrument, point.value, point.label_dict)

    def _write(self, instrument: Instrument, value: float, labels: dict[str, str]) -> None:
        created = self._instruments[instrument.name]
        if isinstance(created, Histogram):
            created.record(value, labels)
        else:
            created.add(value, labels)
