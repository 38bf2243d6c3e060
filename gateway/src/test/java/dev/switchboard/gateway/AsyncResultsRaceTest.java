package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Async calls racing for a client the in-memory store has not seen yet: the first results for a new
 * client create its log concurrently, and none of them may land in a log that is then replaced. Bounded:
 * 600 new clients, six at a time, five calls each.
 */
class AsyncResultsRaceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CLIENTS = 600;
    private static final int CLIENTS_AT_ONCE = 6;
    private static final int CALLS_PER_CLIENT = 5;

    private FunctionServer functions;
    private Gateway gateway;

    @BeforeEach
    void start() {
        functions = FunctionServer.start();
        // 1,200 streams from one address, each counted until a heartbeat finds it closed: above the default cap
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback("MAX_STREAMS_PER_IP", "100000")));
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        gateway.close();
        functions.close();
    }

    @Test
    void concurrentAsyncCallsForANewClientEachReachTheStreamAndTheLogOnce() throws Exception {
        List<String> failures = new ArrayList<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int batch = 0; batch < CLIENTS / CLIENTS_AT_ONCE && failures.isEmpty(); batch++) {
                List<Future<String>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS_AT_ONCE; c++) {
                    String client = "race-" + batch + "-" + c;
                    clients.add(workers.submit(() -> raceFirstResults(client, workers)));
                }
                for (Future<String> client : clients) {
                    if (client.get() != null) {
                        failures.add(client.get());
                    }
                }
            }
        }
        assertThat(failures)
                .as("each async result exactly once on the live stream and in the log")
                .isEmpty();
    }

    /** @return what went wrong for this new client, or null */
    private String raceFirstResults(String client, ExecutorService workers) throws Exception {
        try (SseClient live = SseClient.open(pub("/sse/" + client))) {
            assertThat(live.next(WAIT).type()).isEqualTo("connected");
            List<Future<Http.Answer>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS_PER_CLIENT; i++) {
                String body = "{\"payload\":" + i + ",\"client_id\":\"" + client + "\",\"async\":true}";
                calls.add(workers.submit(() -> Http.postJson(pub("/invoke/echo"), body)));
            }
            List<String> accepted = new ArrayList<>();
            for (Future<Http.Answer> call : calls) {
                Http.Answer answer = call.get();
                assertThat(answer.status()).as(answer.body()).isEqualTo(202);
                accepted.add(answer.json().get("request_id").asText());
            }
            List<String> streamed = requestIdsOf(live.collect("function_response", CALLS_PER_CLIENT, WAIT));
            List<String> logged = replayAll(client);
            return sameOnce(streamed, accepted) && sameOnce(logged, accepted)
                    ? null
                    : client + ": accepted " + accepted + ", streamed " + streamed + ", logged " + logged;
        } catch (AssertionError e) {
            return client + ": " + e.getMessage();
        }
    }

    /** @return the request ids of every result kept in the client's log, replayed from its beginning */
    private List<String> replayAll(String client) {
        try (SseClient replay = SseClient.open(pub("/sse/" + client), Map.of("Last-Event-ID", "0-0"))) {
            JsonNode connected = json(replay.next(WAIT).data());
            return requestIdsOf(replay.collect(
                    "function_response", connected.get("replayed").asInt(), WAIT));
        }
    }

    private static boolean sameOnce(List<String> seen, List<String> expected) {
        return seen.size() == expected.size()
                && seen.stream().distinct().count() == seen.size()
                && seen.containsAll(expected);
    }

    private static List<String> requestIdsOf(List<SseClient.Event> events) {
        return events.stream()
                .map(e -> json(e.data()).get("request_id").asText())
                .toList();
    }

    private String pub(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    private static JsonNode json(String data) {
        try {
            return MAPPER.readTree(data);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + data, e);
        }
    }
}
