package dev.switchboard.testing.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/** What the server under fuzz logged with a stack trace, above FINE: every one is a finding. */
public interface LogWatch extends AutoCloseable {
    /** @return one line per stack trace logged since the watch began */
    List<String> stackTraces();

    @Override
    default void close() {}

    /**
     * Watches this JVM's java.util.logging (a server started in-process).
     *
     * @return the watch; close it to detach
     */
    static LogWatch inProcess() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getThrown() != null && record.getLevel().intValue() > Level.FINE.intValue()) {
                    seen.add(record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage() + ": "
                            + record.getThrown());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        handler.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        return new LogWatch() {
            @Override
            public List<String> stackTraces() {
                synchronized (seen) {
                    return List.copyOf(seen);
                }
            }

            @Override
            public void close() {
                root.removeHandler(handler);
            }
        };
    }

    /**
     * Watches a server's log file (a child process), from its current end: a line that starts a stack
     * frame ({@code \tat pkg.Class.method(}) is a stack trace; the line before it names it.
     *
     * @param file the log file
     * @return the watch
     */
    static LogWatch file(Path file) {
        long start = size(file);
        Pattern frame = Pattern.compile("^\\s+at [\\w$.]+[(\\w$<>]");
        return () -> {
            List<String> found = new ArrayList<>();
            try {
                byte[] bytes = Files.readAllBytes(file);
                String text = new String(
                        bytes,
                        (int) Math.min(start, bytes.length),
                        (int) Math.max(0, bytes.length - start),
                        StandardCharsets.UTF_8);
                String earlier = "";
                String previous = "";
                boolean inTrace = false;
                for (String line : text.split("\n")) {
                    boolean isFrame = frame.matcher(line).find();
                    if (isFrame && !inTrace) {
                        // the log record's line, then the exception's
                        found.add((earlier.strip() + " | " + previous.strip()).strip());
                    }
                    inTrace = isFrame || (inTrace && (line.startsWith("Caused by") || line.startsWith("\t...")));
                    earlier = previous;
                    previous = line;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return found;
        };
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
