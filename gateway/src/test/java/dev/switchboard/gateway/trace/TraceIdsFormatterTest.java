package dev.switchboard.gateway.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.logging.jul.HelidonJsonFormatter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** {@code LOG_FORMAT=json}: a line logged inside a span carries its trace and span ids; others stay as they were. */
class TraceIdsFormatterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TraceIdsFormatter formatter = new TraceIdsFormatter(new HelidonJsonFormatter());

    private static LogRecord record(String message) {
        LogRecord record = new LogRecord(Level.INFO, message);
        record.setLoggerName("dev.switchboard.test");
        return record;
    }

    @Test
    void aLineInsideASpanCarriesItsIds() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String spanId = "00f067aa0ba902b7";
        Span span = Span.wrap(SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault()));
        String line;
        try (Scope ignored = span.makeCurrent()) {
            line = formatter.format(record("inside \"quoted\" }"));
        }
        assertThat(line.strip()).startsWith("{").endsWith("}").doesNotContain("\n");
        JsonNode json = MAPPER.readTree(line);
        assertThat(json.get("message").asText()).isEqualTo("inside \"quoted\" }");
        assertThat(json.get("logger").asText()).isEqualTo("dev.switchboard.test");
        assertThat(json.get("trace_id").asText()).isEqualTo(traceId);
        assertThat(json.get("span_id").asText()).isEqualTo(spanId);
    }

    @Test
    void aLineOutsideAnySpanIsTheFormattersOwn() throws Exception {
        LogRecord record = record("outside");
        String line = formatter.format(record);
        assertThat(line).isEqualTo(new HelidonJsonFormatter().format(record));
        JsonNode json = MAPPER.readTree(line);
        assertThat(json.has("trace_id")).isFalse();
        assertThat(json.has("span_id")).isFalse();
    }
}
