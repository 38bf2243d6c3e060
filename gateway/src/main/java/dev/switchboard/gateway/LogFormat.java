package dev.switchboard.gateway;

import dev.switchboard.gateway.trace.TraceIdsFormatter;
import dev.switchboard.registry.settings.GatewaySettings;
import io.helidon.logging.jul.HelidonJsonFormatter;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * {@code LOG_FORMAT}: {@code text} (default, readable lines) or {@code json}, one JSON object per line for log
 * pipelines with {@code time}, {@code level}, {@code logger}, {@code message}, and {@code exception} and
 * {@code request_id} when present, and {@code trace_id} and {@code span_id} when the line is logged inside a traced
 * request (see {@link TraceIdsFormatter}). The JSON is Helidon's own formatter; its fields are set in
 * {@code logging.properties} ({@code io.helidon.logging.jul.HelidonJsonFormatter.fields}).
 */
final class LogFormat {
    private LogFormat() {}

    /**
     * Sets the format of the root logger's handlers (call after Helidon's {@code LogConfig}).
     *
     * @param value the setting, if any
     * @throws IllegalArgumentException naming the setting when it is neither {@code text} nor {@code json}
     */
    static void apply(Optional<String> value) {
        String format = GatewaySettings.LOG_FORMAT.get(key -> value);
        switch (format) {
            case "text" -> {
                // logging.properties' readable lines
            }
            case "json" -> {
                for (Handler handler : Logger.getLogger("").getHandlers()) {
                    handler.setFormatter(new TraceIdsFormatter(new HelidonJsonFormatter()));
                }
            }
            default -> throw new IllegalStateException("the catalogue admits only text and json");
        }
    }

    /**
     * Lines in the log's format, written where the log writes them (Helidon's console handler: standard output), but
     * not through its handlers: for the shutdown hook, which runs beside java.util.logging's own, and that one
     * closes the handlers. Call after {@link #apply}: the format is taken now.
     *
     * @param logger the logger the lines name
     * @return writes one line at a level
     */
    static BiConsumer<Level, String> direct(String logger) {
        Handler[] handlers = Logger.getLogger("").getHandlers();
        Formatter formatter = handlers.length > 0 && handlers[0].getFormatter() != null
                ? handlers[0].getFormatter()
                : new SimpleFormatter();
        return (level, message) -> {
            LogRecord line = new LogRecord(level, message);
            line.setLoggerName(logger);
            System.out.print(formatter.format(line));
            System.out.flush();
        };
    }
}
