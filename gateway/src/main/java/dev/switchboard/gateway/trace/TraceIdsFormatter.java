package dev.switchboard.gateway.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code LOG_FORMAT=json} with trace correlation: a JSON formatter's object, plus {@code trace_id} and
 * {@code span_id} when the line is logged while a span is current (JUL handlers format on the logging thread,
 * where the request's span is current). Lines logged outside any span are the formatter's own, unchanged.
 */
public final class TraceIdsFormatter extends Formatter {
    private final Formatter json;

    /** @param json formats one record as one JSON object (ending with {@code }} and a line break) */
    public TraceIdsFormatter(Formatter json) {
        this.json = json;
    }

    @Override
    public String format(LogRecord record) {
        String line = json.format(record);
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid()) {
            return line;
        }
        int end = line.lastIndexOf('}');
        if (end < 0) {
            return line;
        }
        // hex ids only: nothing to escape
        String ids = "\"trace_id\":\"" + span.getTraceId() + "\",\"span_id\":\"" + span.getSpanId() + "\"";
        String head = line.substring(0, end).stripTrailing();
        String separator = head.endsWith("{") ? "" : ",";
        return head + separator + ids + line.substring(end);
    }
}
