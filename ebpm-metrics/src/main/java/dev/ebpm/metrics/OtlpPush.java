package dev.ebpm.metrics;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Pushes the metrics the Prometheus endpoint serves to an OTLP/HTTP receiver with the OpenTelemetry SDK: a
 * {@link MetricProducer} turns each scrape of the registry into OpenTelemetry metric data (counters as monotonic
 * cumulative sums, gauges as gauges, histograms with their explicit bounds), and a periodic reader exports it. The
 * same names, values and labels (as attributes) as /metrics; the resource names the service and the run.
 */
final class OtlpPush implements AutoCloseable {
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.ebpm.metrics");
    private final SdkMeterProvider provider;

    OtlpPush(URI endpoint, Duration interval, PrometheusRegistry registry, Map<String, String> resourceAttributes) {
        AttributesBuilder attrs = Attributes.builder();
        resourceAttributes.forEach(attrs::put);
        Resource resource = Resource.getDefault().merge(Resource.create(attrs.build()));
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder().setEndpoint(endpoint.toString()).build();
        long startNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        provider = SdkMeterProvider.builder()
                .setResource(resource)
                .registerMetricProducer(r -> convert(registry, r, startNanos))
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(interval).build())
                .build();
    }

    /** Pushes once more with the final values, then stops. */
    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    static Collection<MetricData> convert(PrometheusRegistry registry, Resource resource, long startNanos) {
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        List<MetricData> out = new ArrayList<>();
        for (MetricSnapshot s : registry.scrape()) {
            String name = s.getMetadata().getPrometheusName();
            String help = s.getMetadata().getHelp() == null ? "" : s.getMetadata().getHelp();
            if (s instanceof CounterSnapshot c) {
                List<DoublePointData> points = new ArrayList<>();
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    points.add(DoublePointData.create(start(p.getCreatedTimestampMillis(), startNanos), now, attributes(p.getLabels()), p.getValue(), List.of()));
                }
                out.add(new Metric(resource, name, help, MetricDataType.DOUBLE_SUM,
                        SumData.createDoubleSumData(true, AggregationTemporality.CUMULATIVE, points)));
            } else if (s instanceof GaugeSnapshot g) {
                List<DoublePointData> points = new ArrayList<>();
                for (GaugeSnapshot.GaugeDataPointSnapshot p : g.getDataPoints()) {
                    points.add(DoublePointData.create(startNanos, now, attributes(p.getLabels()), p.getValue(), List.of()));
                }
                out.add(new Metric(resource, name, help, MetricDataType.DOUBLE_GAUGE, GaugeData.createDoubleGaugeData(points)));
            } else if (s instanceof HistogramSnapshot h) {
                List<HistogramPointData> points = new ArrayList<>();
                for (HistogramSnapshot.HistogramDataPointSnapshot p : h.getDataPoints()) {
                    ClassicHistogramBuckets b = p.getClassicBuckets();
                    List<Double> bounds = new ArrayList<>();
                    List<Long> counts = new ArrayList<>();
                    for (int i = 0; i < b.size(); i++) {
                        if (!Double.isInfinite(b.getUpperBound(i))) bounds.add(b.getUpperBound(i));
                        counts.add(b.getCount(i));
                    }
                    double sum = p.hasSum() ? p.getSum() : Double.NaN;
                    points.add(HistogramPointData.create(start(p.getCreatedTimestampMillis(), startNanos), now, attributes(p.getLabels()), sum,
                            false, 0, false, 0, bounds, counts));
                }
                out.add(new Metric(resource, name, help, MetricDataType.HISTOGRAM, HistogramData.create(AggregationTemporality.CUMULATIVE, points)));
            }
        }
        return out;
    }

    private static long start(long createdMillis, long fallbackNanos) {
        return createdMillis > 0 ? TimeUnit.MILLISECONDS.toNanos(createdMillis) : fallbackNanos;
    }

    private static Attributes attributes(Labels labels) {
        AttributesBuilder a = Attributes.builder();
        for (Label l : labels) a.put(l.getName(), l.getValue());
        return a.build();
    }

    /** One converted metric (the SDK's data interfaces have factories for points and data, not for the metric itself). */
    private record Metric(Resource resource, String name, String description, MetricDataType type, Data<?> data) implements MetricData {
        @Override
        public Resource getResource() {
            return resource;
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return SCOPE;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDescription() {
            return description;
        }

        @Override
        public String getUnit() {
            return "";
        }

        @Override
        public MetricDataType getType() {
            return type;
        }

        @Override
        public Data<?> getData() {
            return data;
        }
    }
}
