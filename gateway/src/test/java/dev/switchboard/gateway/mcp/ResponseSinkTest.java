package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.MemoryStateStore;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a primed POST stream sends and when: the head and priming event wait for the call's first event or until the
 * call has been silent a moment ({@code openingDue}); a call answered before either is one JSON answer for a client
 * that takes JSON, and one write of opening and response for a client that takes only SSE.
 */
class ResponseSinkTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PRIMING_VERSION = "2025-11-25";

    private final MemoryStateStore store =
            new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofHours(1), Duration.ofMinutes(30));
    private final RecordingExchange exchange = new RecordingExchange();
    private final PostStreamWriters writers = new PostStreamWriters();
    /** Appends to the store (each one round trip on Redis): the log as the sinks see it counts them. */
    private int appends;

    private final ClientEventLog countedLog = (ClientEventLog) Proxy.newProxyInstance(
            ClientEventLog.class.getClassLoader(), new Class<?>[] {ClientEventLog.class}, (proxy, method, args) -> {
                if (method.getName().startsWith("publish")) {
                    appends++;
                }
                try {
                    return method.invoke(store, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });

    @AfterEach
    void close() {
        store.close();
    }

    private ResponseSink sink() {
        return sink(new ClientAccept(true, true));
    }

    private ResponseSink sink(ClientAccept accept) {
        return new ResponseSink(
                exchange,
                accept,
                countedLog,
                writers,
                "session-1",
                MAPPER.getNodeFactory().numberNode(REQUEST_ID),
                PRIMING_VERSION,
                Duration.ofMinutes(2),
                Duration.ofMinutes(1));
    }

    /** The id the sinks' request has. */
    private static final int REQUEST_ID = 8;

    /** @return the types and data of what the stream whose first write is {@code opening} logged */
    private List<String> logged(String opening) {
        String streamId = opening.substring(opening.indexOf("id: ") + 4, opening.indexOf('/'));
        return store.readAfter(McpIds.logKey("session-1", streamId), "0-0", 10).stream()
                .map(e -> e.type() + " " + e.data())
                .toList();
    }

    private static JsonNode response(int id) throws Exception {
        return MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");
    }

    @Test
    void aCallAnsweredAtOnceIsOneJsonAnswerForAClientThatTakesJson() throws Exception {
        ResponseSink sink = sink();
        assertThat(sink.committed())
                .as("nothing sent: the status is still free")
                .isFalse();

        sink.send(response(6), true);
        assertThat(exchange.contentType).isEqualTo("application/json");
        assertThat(exchange.writes).containsExactly("{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{}}");
        sink.openingDue();
        assertThat(exchange.writes).as("no opening after the answer").hasSize(1);
    }

    @Test
    void aCallAnsweredAtOnceSendsItsHeadPrimingAndResponseInOneWriteToAnSseOnlyClient() throws Exception {
        ResponseSink sink = sink(new ClientAccept(false, true));
        assertThat(exchange.writes).as("nothing reached the socket yet").isEmpty();

        sink.send(response(7), true);
        assertThat(exchange.writes).hasSize(1);
        String only = exchange.writes.getFirst();
        assertThat(only)
                .startsWith("HEAD\n")
                .contains("data: \n\n")
                .contains("\"id\":7")
                .endsWith("END");
        assertThat(only.indexOf("data: \n\n"))
                .as("the priming event before the response")
                .isLessThan(only.indexOf("\"id\":7"));
        assertThat(logged(only))
                .as("one append: nothing can be resumed before the response")
                .containsExactly("response {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");
    }

    @Test
    void aSilentCallSendsItsOpeningWhenDueAndItsResponseLater() throws Exception {
        ResponseSink sink = sink();
        sink.openingDue();
        assertThat(exchange.writes).hasSize(1);
        assertThat(exchange.writes.getFirst()).startsWith("HEAD\nid: ").endsWith("data: \n\n");

        sink.send(response(8), true);
        assertThat(exchange.writes).hasSize(2);
        assertThat(exchange.writes.get(1)).contains("\"id\":8").endsWith("END");
        assertThat(logged(exchange.writes.getFirst()))
                .as("the request's id first, for a resume that finds the call lost with its replica")
                .containsExactly("prime 8", "response {\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}");
        sink.end();
        sink.openingDue();
        assertThat(exchange.writes).as("nothing after the end").hasSize(2);
    }

    @Test
    void aNotificationBeforeTheResponseTakesTheOpeningWithIt() throws Exception {
        ResponseSink sink = sink();
        sink.send(MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}"), false);
        assertThat(exchange.writes).hasSize(1);
        assertThat(exchange.writes.getFirst())
                .startsWith("HEAD\n")
                .contains("data: \n\n")
                .contains("notifications/progress");
        // already sent: the due opening writes nothing more
        sink.openingDue();
        assertThat(exchange.writes).hasSize(1);
        assertThat(logged(exchange.writes.getFirst()))
                .as("the request's id, then the message")
                .containsExactly("prime 8", "message {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}");
        assertThat(appends).as("in one step").isEqualTo(1);
    }

    /** @return the id of the stream the sink opens with a progress notification */
    private String openWithProgress(ResponseSink sink) throws Exception {
        sink.send(MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}"), false);
        String opening = exchange.writes.getFirst();
        return opening.substring(opening.indexOf("id: ") + 4, opening.indexOf('/'));
    }

    @Test
    void aResumeTakesTheStreamOverAndTheCallGoesOnInTheLogAlone() throws Exception {
        ResponseSink sink = sink();
        String streamId = openWithProgress(sink);
        String opening = exchange.writes.getFirst();

        writers.takeOver(McpIds.logKey("session-1", streamId));
        assertThat(exchange.writes)
                .as("the answer ends, and its connection")
                .containsExactly(opening, "END", "CONNECTION ENDED");
        sink.keepAlive();
        sink.send(response(8), true);
        assertThat(exchange.writes).as("nothing more on it").hasSize(3);
        assertThat(logged(opening))
                .as("the response is logged, for the resume")
                .containsExactly(
                        "prime 8",
                        "message {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}",
                        "response {\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}");
    }

    @Test
    void aResumeEndsTheConnectionUnderAWriteStuckOnIt() throws Exception {
        ResponseSink sink = sink();
        String streamId = openWithProgress(sink);
        String opening = exchange.writes.getFirst();
        exchange.stuck = true;
        Thread call = Thread.ofVirtual().start(() -> {
            try {
                sink.send(MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"}"), false);
                sink.send(response(8), true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(exchange.writeBlocked.await(5, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();

        writers.takeOver(McpIds.logKey("session-1", streamId));
        call.join(Duration.ofSeconds(5));
        assertThat(call.isAlive())
                .as("the call's stuck write failed, and the call went on")
                .isFalse();
        assertThat(exchange.writes).containsExactly(opening, "CONNECTION ENDED");
        assertThat(logged(opening))
                .as("what it sent is logged for the resume")
                .endsWith("response {\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}");
    }

    @Test
    void anAnsweredStreamIsNotTakenOverAndAnotherStreamsResumeTakesNothing() throws Exception {
        ResponseSink sink = sink();
        String streamId = openWithProgress(sink);
        String opening = exchange.writes.getFirst();

        writers.takeOver(McpIds.logKey("session-1", "other"));
        writers.takeOver(McpIds.logKey("session-2", streamId));
        sink.send(response(8), true);
        writers.takeOver(McpIds.logKey("session-1", streamId));
        assertThat(exchange.writes).hasSize(2);
        assertThat(exchange.writes.get(1)).contains("\"id\":8").endsWith("END");
    }

    /** An exchange whose body reaches "the socket" only on flush or close, as the listeners' streams do. */
    private static final class RecordingExchange extends McpExchange {
        final List<String> writes = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Set: writes to the socket block until the connection ends. */
        volatile boolean stuck;

        final java.util.concurrent.CountDownLatch writeBlocked = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch connectionEnded = new java.util.concurrent.CountDownLatch(1);
        String contentType;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean sent;

        @Override
        public OutputStream outputStream() {
            sent = true;
            pending.writeBytes("HEAD\n".getBytes(StandardCharsets.UTF_8));
            return new OutputStream() {
                @Override
                public void write(int b) {
                    pending.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    pending.write(b, off, len);
                }

                @Override
                public void flush() throws java.io.IOException {
                    if (stuck) {
                        // a client that stopped reading: the write waits until the connection ends under it
                        writeBlocked.countDown();
                        try {
                            connectionEnded.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new java.io.IOException("the connection ended under the write");
                    }
                    if (pending.size() > 0) {
                        writes.add(pending.toString(StandardCharsets.UTF_8));
                        pending.reset();
                    }
                }

                @Override
                public void close() throws java.io.IOException {
                    pending.writeBytes("END".getBytes(StandardCharsets.UTF_8));
                    flush();
                }
            };
        }

        @Override
        public boolean isSent() {
            return sent;
        }

        @Override
        public Runnable countStream() {
            return () -> {};
        }

        @Override
        public void endConnection() {
            writes.add("CONNECTION ENDED");
            connectionEnded.countDown();
        }

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public String server() {
            return "test";
        }

        @Override
        public Optional<String> query(String name) {
            return Optional.empty();
        }

        @Override
        public Headers headers() {
            return WritableHeaders.create();
        }

        @Override
        public Identity identity() {
            return Identity.ANONYMOUS;
        }

        @Override
        public byte[] body(long maxSize) {
            return new byte[0];
        }

        @Override
        public void status(Status status) {}

        @Override
        public void header(String name, String value) {
            if (name.equals("Content-Type")) {
                contentType = value;
            }
        }

        @Override
        public void send(byte[] body) {
            sent = true;
            writes.add(new String(body, StandardCharsets.UTF_8));
        }
    }
}
