package dev.switchboard.gateway.invoke;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.gateway.http.BoundedBody;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.http1.CallControl;
import dev.switchboard.registry.Durations;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Calls {@code http} functions: the payload as a JSON body (for methods with a body), the answer read back
 * within the size limit and the caller's share of the {@link ResponseBudget}. The call runs on the caller's
 * thread through the {@link FunctionEngine}; the whole call, retries and reading included, is bounded by the
 * deadline of a {@link CallControl}, which every read of the socket checks and waits no longer than: a function
 * that trickles its answer byte by byte times out like one that never answers, with no timer task per call.
 */
public final class FunctionInvoker implements AutoCloseable {
    private static final Set<String> METHODS_WITH_BODY = Set.of("POST", "PUT", "PATCH");
    private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "PUT", "DELETE");
    private static final Set<Integer> RETRYABLE_STATUS = Set.of(502, 503, 504);
    private static final Map<String, String> ACCEPT = Map.of("Accept", "application/json, text/plain;q=0.9, */*;q=0.1");

    private final FunctionEngine engine;
    private final long maxResponseSize;

    /**
     * @param maxResponseSize largest answer read, in bytes
     * @param engine          the function-call engine
     */
    public FunctionInvoker(long maxResponseSize, FunctionEngine engine) {
        this.maxResponseSize = maxResponseSize;
        this.engine = engine;
    }

    /**
     * Calls a function on the current thread; never throws for
     * the function's failures.
     *
     * @param function  the registration
     * @param payload   the payload, JSON text in UTF-8 (sent as the body of methods that have one)
     * @param requestId id for {@code X-Request-ID}
     * @param caller    headers about the caller ({@code X-Client-ID}, {@link dev.switchboard.gateway.auth.Identity}'s)
     * @param timeout   bound of the whole call
     * @param answerBytes holds the answer's bytes as they are read; the caller closes it once done with the result
     * @return the outcome
     */
    public InvocationResult invoke(
            FunctionRegistration function,
            byte[] payload,
            String requestId,
            Map<String, String> caller,
            Duration timeout,
            ResponseBudget.Reservation answerBytes) {
        long start = System.nanoTime();
        Answer answer;
        CallControl deadline = CallControl.within(timeout);
        try {
            answer = callWithRetries(function, payload, requestId, caller, deadline, timeout, answerBytes);
        } catch (ResponseBudget.Exhausted exhausted) {
            if (exhausted.alone()) {
                // larger than the whole budget, so than MAX_RESPONSE_SIZE (at most the budget): retrying cannot help
                return failure(function, requestId, start, InvocationResult.Outcome.EXECUTION_ERROR, tooLarge(), 0);
            }
            return failure(
                    function,
                    requestId,
                    start,
                    InvocationResult.Outcome.TOO_MANY_RESPONSE_BYTES,
                    exhausted.getMessage(),
                    0);
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (deadline.stopped()) {
                // SHUTDOWN_GRACE ran out: the caller is told, rather than cut off when the listeners close
                return failure(
                        function,
                        requestId,
                        start,
                        InvocationResult.Outcome.EXECUTION_ERROR,
                        FunctionEngine.STOPPING,
                        0);
            }
            if (deadline.passed()) {
                return failure(
                        function,
                        requestId,
                        start,
                        InvocationResult.Outcome.TIMEOUT,
                        "function did not answer within " + Durations.format(timeout),
                        0);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return failure(
                        function,
                        requestId,
                        start,
                        InvocationResult.Outcome.EXECUTION_ERROR,
                        FunctionEngine.STOPPING,
                        0);
            }
            return failure(
                    function, requestId, start, InvocationResult.Outcome.EXECUTION_ERROR, CallFailures.describe(e), 0);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (answer.status < 200 || answer.status > 299) {
            return new InvocationResult(
                    false,
                    requestId,
                    function.name(),
                    millis,
                    null,
                    "function answered HTTP " + answer.status,
                    InvocationResult.Outcome.EXECUTION_ERROR,
                    answer.status);
        }
        if (answer.tooLarge) {
            return new InvocationResult(
                    false,
                    requestId,
                    function.name(),
                    millis,
                    null,
                    tooLarge(),
                    InvocationResult.Outcome.EXECUTION_ERROR,
                    answer.status);
        }
        if (answer.body.length > 0 && mayBeJson(answer.contentType) && PassThroughJson.fits(answer.body)) {
            // the function's bytes as it wrote them: no tree built, nothing written again
            return new InvocationResult(
                    true, requestId, function.name(), millis, null, null, null, answer.status, answer.body);
        }
        try {
            return new InvocationResult(
                    true, requestId, function.name(), millis, data(answer), null, null, answer.status);
        } catch (IOException e) {
            return new InvocationResult(
                    false,
                    requestId,
                    function.name(),
                    millis,
                    null,
                    unreadableAnswer(e),
                    InvocationResult.Outcome.EXECUTION_ERROR,
                    answer.status);
        }
    }

    /**
     * @return why a function's JSON answer was not read: a limit of the gateway's reader, named as the documentation
     *         names it, or the parser's own words on what is not JSON
     */
    static String unreadableAnswer(IOException failure) {
        if (!(failure instanceof JsonProcessingException json)) {
            return "function answered invalid JSON: " + failure.getMessage();
        }
        return switch (dev.switchboard.registry.JsonRefusal.of(json)) {
            case TOO_DEEP ->
                "function answered JSON nested deeper than " + dev.switchboard.registry.JsonMapper.MAX_NESTING_DEPTH
                        + " levels, more than the gateway reads";
            case NUMBER_TOO_LONG ->
                "function answered JSON with a number longer than "
                        + dev.switchboard.registry.JsonMapper.MAX_NUMBER_LENGTH
                        + " characters, more than the gateway reads";
            case STRING_TOO_LONG ->
                "function answered JSON with a key longer than " + dev.switchboard.registry.JsonMapper.MAX_NAME_LENGTH
                        + " characters, more than the gateway reads";
            case DUPLICATE_KEY, INVALID -> "function answered invalid JSON: " + json.getOriginalMessage();
        };
    }

    /**
     * Retries only where it is safe: when the function could not be reached (nothing was sent), and for
     * idempotent methods also on 502/503/504. The caller's deadline bounds all attempts together.
     */
    private Answer callWithRetries(
            FunctionRegistration function,
            byte[] payload,
            String requestId,
            Map<String, String> caller,
            CallControl deadline,
            Duration timeout,
            ResponseBudget.Reservation answerBytes)
            throws IOException, InterruptedException {
        RetryPolicy retry = function.retry();
        for (int attempt = 0; ; attempt++) {
            boolean last = attempt >= retry.attempts();
            // the answer of an attempt retried is dropped: its bytes are no longer held
            answerBytes.releaseAll();
            try {
                Answer answer = call(function, payload, requestId, caller, deadline, timeout, answerBytes);
                if (last
                        || !RETRYABLE_STATUS.contains(answer.status)
                        || !IDEMPOTENT_METHODS.contains(function.method())) {
                    return answer;
                }
            } catch (RuntimeException | IOException e) {
                if (last || !isConnectFailure(e)) {
                    throw e;
                }
            }
            Duration left = deadline.remaining();
            if (left.compareTo(retry.backoff()) <= 0) {
                // no time left for another attempt: the call times out
                Thread.sleep(left);
                throw new SocketTimeoutException("the call's deadline passed");
            }
            Thread.sleep(retry.backoff());
        }
    }

    private static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private Answer call(
            FunctionRegistration function,
            byte[] payload,
            String requestId,
            Map<String, String> caller,
            CallControl deadline,
            Duration timeout,
            ResponseBudget.Reservation answerBytes)
            throws IOException {
        Map<String, String> gateway = new LinkedHashMap<>();
        gateway.put("X-Request-ID", requestId);
        // after the registration's: the registry refuses these names, and the gateway's word is final
        gateway.putAll(caller);
        boolean body = METHODS_WITH_BODY.contains(function.method());
        FunctionRequest request = new FunctionRequest(
                function.method(),
                function.endpoint(),
                ACCEPT,
                function.headers(),
                gateway,
                body ? payload : null,
                body ? "application/json" : null,
                timeout.plusSeconds(1), // the deadline in invoke() wins
                deadline);
        try (FunctionResponse response = engine.send(request);
                InputStream in = answerBytes.meter(response.body())) {
            String contentType = response.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            byte[] bytes;
            try {
                bytes = BoundedBody.read(in, response.length(), maxResponseSize);
            } catch (ResponseBudget.Exhausted exhausted) {
                if (!exhausted.alone()) {
                    throw exhausted;
                }
                // larger than the whole budget, so than MAX_RESPONSE_SIZE: reported as any answer over it, status and
                // all
                return new Answer(response.status(), contentType, new byte[0], true);
            }
            return new Answer(response.status(), contentType, bytes, bytes.length > maxResponseSize);
        }
    }

    /** @return whether an answer of this type is JSON (declared, or undeclared and parsing) */
    private static boolean mayBeJson(String contentType) {
        return contentType.isEmpty() || contentType.contains("json");
    }

    private static JsonNode data(Answer answer) throws IOException {
        if (answer.body.length == 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (answer.contentType.contains("json")) {
            // straight from the bytes: no String of the whole answer on the way
            return Json.MAPPER.readTree(answer.body);
        }
        String text = new String(answer.body, StandardCharsets.UTF_8);
        if (answer.contentType.isEmpty()) {
            // no declared type: JSON when it parses, else text
            try {
                return Json.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                return JsonNodeFactory.instance.textNode(text);
            }
        }
        return JsonNodeFactory.instance.textNode(text);
    }

    private static InvocationResult failure(
            FunctionRegistration function,
            String requestId,
            long start,
            InvocationResult.Outcome outcome,
            String error,
            int status) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new InvocationResult(false, requestId, function.name(), millis, null, error, outcome, status);
    }

    /** The engine is the gateway's: closed by its owner. */
    @Override
    public void close() {}

    /** @return why an answer over {@code MAX_RESPONSE_SIZE} failed the call */
    private String tooLarge() {
        return "function answer exceeds the limit of " + maxResponseSize + " bytes";
    }

    private record Answer(int status, String contentType, byte[] body, boolean tooLarge) {}
}
