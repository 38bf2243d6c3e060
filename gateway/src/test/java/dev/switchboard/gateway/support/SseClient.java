package dev.switchboard.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real SSE client for tests: opens a stream over HTTP and parses it line by line as the
 * event-stream specification says (data lines joined with newlines, dispatch on a blank line,
 * comments ignored), collecting the events. Also remembers {@code retry} and end of stream.
 */
public final class SseClient implements AutoCloseable {
    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;
    private volatile Long retry;
    /** Comment lines read ({@code : keep-alive}, ...): a stream kept alive while nothing else comes. */
    private final java.util.concurrent.atomic.AtomicInteger comments = new java.util.concurrent.atomic.AtomicInteger();

    /** A parsed event. */
    public record Event(String id, String type, String data) {}

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    /**
     * @param url     stream URL
     * @param headers request headers
     * @return the open client (check {@link #status()})
     */
    public static SseClient open(String url, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), url, headers);
    }

    /**
     * POSTs a JSON body and reads the answer as an event stream while it arrives.
     *
     * @param url     URL
     * @param body    JSON body
     * @param headers request headers
     * @return the open client
     */
    public static SseClient post(String url, String body, Map<String, String> headers) {
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json"),
                url,
                headers);
    }

    private static SseClient send(HttpRequest.Builder request, String url, Map<String, String> headers) {
        request.header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10));
        headers.forEach(request::setHeader);
        try {
            HttpResponse<InputStream> response =
                    HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new SseClient(response);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses a whole event stream received at once (e.g. the SSE answer to a POST).
     *
     * @param body the stream's text
     * @return its events, priming events (empty data) included
     */
    public static List<Event> parse(String body) {
        List<Event> events = new ArrayList<>();
        LineParser parser = new LineParser();
        for (String line : body.split("\r\n|\r|\n", -1)) {
            Event event = parser.line(line);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    /** The event-stream parsing rules, one line at a time: data lines joined, dispatch on a blank line. */
    private static final class LineParser {
        private String id;
        private String type;
        private StringBuilder data;
        private Long retry;

        /** @return the event this line dispatches, or null */
        Event line(String line) {
            if (line.isEmpty()) {
                Event event = data == null ? null : new Event(id, type == null ? "message" : type, data.toString());
                type = null;
                data = null;
                return event;
            }
            if (line.startsWith(":")) {
                return null;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> type = value;
                case "data" ->
                    data = data == null
                            ? new StringBuilder(value)
                            : data.append('\n').append(value);
                case "retry" -> retry = Long.parseLong(value);
                default -> {}
            }
            return null;
        }
    }

    /**
     * @param url stream URL
     * @return the open client
     */
    public static SseClient open(String url) {
        return open(url, Map.of());
    }

    /** @return HTTP status */
    public int status() {
        return response.statusCode();
    }

    /** @return response headers */
    public java.net.http.HttpHeaders headers() {
        return response.headers();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            LineParser parser = new LineParser();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(":")) {
                    comments.incrementAndGet();
                }
                Event event = parser.line(line);
                retry = parser.retry;
                if (event != null) {
                    events.add(event);
                }
            }
        } catch (IOException e) {
            // stream cut
        } finally {
            ended = true;
        }
    }

    /**
     * @param timeout how long to wait
     * @return the next event
     * @throws AssertionError when none arrives in time
     */
    public Event next(Duration timeout) {
        try {
            Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + timeout + (ended ? " (stream ended)" : ""));
            }
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Skips heartbeats.
     *
     * @param timeout how long to wait
     * @return the next event that is not a heartbeat
     */
    public Event nextNonHeartbeat(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            Event e = next(left);
            if (!"heartbeat".equals(e.type())) {
                return e;
            }
        }
    }

    /**
     * Skips the events whose data does not contain {@code text}.
     *
     * @param text    what the data must contain
     * @param timeout overall time
     * @return the first event whose data contains it
     * @throws AssertionError when none arrives in time
     */
    public Event nextWithData(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            Event e = next(left);
            if (e.data() != null && e.data().contains(text)) {
                return e;
            }
        }
    }

    /**
     * @param type  event name
     * @param count how many
     * @param timeout overall time
     * @return the first {@code count} events of that type, skipping others
     */
    public List<Event> collect(String type, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> found = new ArrayList<>();
        while (found.size() < count) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            Event e = next(left);
            if (type.equals(e.type())) {
                found.add(e);
            }
        }
        return found;
    }

    /**
     * @param timeout how long to wait
     * @return whether the server ended the stream in time
     */
    public boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return ended;
    }

    /** @return comment lines read so far */
    public int comments() {
        return comments.get();
    }

    /** @return the last {@code retry} value received, or null */
    public Long retry() {
        return retry;
    }

    /** @return events received and not taken yet */
    public List<Event> pending() {
        List<Event> list = new ArrayList<>();
        events.drainTo(list);
        return list;
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // closing
        }
        reader.interrupt();
    }
}
