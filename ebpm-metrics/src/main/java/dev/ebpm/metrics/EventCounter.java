package dev.ebpm.metrics;

import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.event.EventLayout;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.metrics.config.ExporterConfig;
import dev.ebpm.metrics.config.MetricsConfigException;
import java.nio.ByteBuffer;
import java.util.List;

/** One configured counter: per event, the label fields' text (unquoted, as the table shows them) picks the series to add one to. */
final class EventCounter {
    final ExporterConfig.Counter config;
    final SeriesTable series;
    private final int[] fields;
    private final EventFormatter formatter;
    private final TextSink key = new TextSink();

    /** @throws MetricsConfigException naming the config line of a label whose field the event does not have */
    EventCounter(ExporterConfig.Counter config, EventFormatter formatter, String packageName, int maxSeries) {
        this.config = config;
        this.formatter = formatter;
        EventLayout layout = formatter.layout();
        fields = new int[config.labels().size()];
        for (int i = 0; i < fields.length; i++) {
            ExporterConfig.Label l = config.labels().get(i);
            fields[i] = layout.indexOf(l.field());
            if (fields[i] < 0) {
                List<String> names = layout.fields().stream().map(f -> f.name()).toList();
                throw new MetricsConfigException(l.where() + ": label '" + l.name() + "' takes field '" + l.field() + "', but "
                        + packageName + "'s event (" + layout.name() + ") has no such field (fields: " + String.join(", ", names) + ")");
            }
        }
        series = new SeriesTable(fields.length, maxSeries);
    }

    void count(ByteBuffer buffer, int offset, int length) {
        key.reset();
        for (int f : fields) {
            formatter.fieldText(f, buffer, offset, length, key);
            key.raw((byte) 0);
        }
        series.increment(key);
    }
}
