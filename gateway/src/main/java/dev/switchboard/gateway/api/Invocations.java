package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.auth.ClientIds;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.http.RandomIds;
import dev.switchboard.gateway.invoke.AnswerPublications;
import dev.switchboard.gateway.invoke.CallLimits;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.invoke.FunctionHealth;
import dev.switchboard.gateway.invoke.FunctionInvoker;
import dev.switchboard.gateway.invoke.InvocationResult;
import dev.switchboard.gateway.invoke.InvokeRequest;
import dev.switchboard.gateway.invoke.ResponseBudget;
import dev.switchboard.gateway.invoke.Utf8;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.gateway.state.StoreRetry;
import dev.switchboard.gateway.topic.PublishRequest;
import dev.switchboard.gateway.topic.TopicNames;
import dev.switchboard.gateway.trace.GatewayTracing;
import dev.switchboard.registry.FunctionKind;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.StoreUnavailableException;
import io.helidon.http.Status;
import io.helidon.logging.common.HelidonMdc;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /invoke/{function}}, over the public listener's exchanges ({@code stream/InvokeExchange}): calls a function and answers with its result
 * (sync), or answers 202 and delivers the result to the client's streams as a {@code function_response} event
 * (async). A failing function is reported in the answer or the event; it never touches the client's streams.
 */
public final class Invocations implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(Invocations.class.getName());
    /** What a delivery token outlives the result's last try by: the longest {@code REDIS_TIMEOUT}. */
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(1);
    /** Event name of an async result, as in the original project. */
    public static final String FUNCTION_RESPONSE = "function_response";

    private final FunctionCatalog catalog;
    private final FunctionHealth health;
    private final FunctionInvoker invoker;
    private final ClientEventLog events;
    /** The async calls accepted here and not yet answered, recorded for the fleet to answer should this replica die. */
    private final ReplicaWork asyncCalls;

    private final GatewayMetrics metrics;
    private final CallLimits limits;
    private final long maxBodySize;
    private final long maxEventSize;
    private final int maxJsonDepth;
    private final GatewayTracing tracing;
    /** How long an accepted async result waits for an unreachable state store before it is given up. */
    private final Duration deliveryTimeout;

    private final ExecutorService async = Executors.newVirtualThreadPerTaskExecutor();
    /** Calls not finished: a stopping replica waits for them (its listeners count a sync call's answer in). */
    private final WorkInFlight work = new WorkInFlight();

    private final PublishGrants grants;

    /**
     * @param catalog     registrations
     * @param health      function health
     * @param invoker     the caller
     * @param events      client event logs
     * @param asyncCalls  where accepted async calls are recorded until answered ({@link LostAsyncCalls})
     * @param metrics     meters
     * @param limits      places for calls in flight
     * @param maxEventSize largest async result sent as an event, bytes
     * @param maxBodySize largest request body
     * @param maxJsonDepth deepest nesting of a request body
     * @param deliveryTimeout how long an accepted async result is retried against an unreachable state store
     * @param tracing     spans of the call to the function and of the result's delivery
     * @param grants      who may publish: an async call aimed at a topic needs a grant covering it
     */
    public Invocations(
            FunctionCatalog catalog,
            FunctionHealth health,
            FunctionInvoker invoker,
            ClientEventLog events,
            ReplicaWork asyncCalls,
            GatewayMetrics metrics,
            CallLimits limits,
            long maxBodySize,
            long maxEventSize,
            int maxJsonDepth,
            Duration deliveryTimeout,
            GatewayTracing tracing,
            PublishGrants grants) {
        this.grants = grants;
        this.tracing = tracing;
        this.deliveryTimeout = deliveryTimeout;
        this.maxJsonDepth = maxJsonDepth;
        this.maxEventSize = maxEventSize;
        this.catalog = catalog;
        this.health = health;
        this.invoker = invoker;
        this.events = events;
        this.asyncCalls = asyncCalls;
        this.metrics = metrics;
        this.limits = limits;
        this.maxBodySize = maxBodySize;
    }

    /** The MDC key of the call's request id: {@code request_id} in JSON logs (see logging.properties). */
    static final String REQUEST_ID_MDC = "request_id";

    /**
     * One call as its listener received it.
     *
     * @param function    the {@code function} of the path
     * @param contentType the request's {@code Content-Type}, if any
     * @param body        reads the request's body within the size it is given ({@code MAX_BODY_SIZE})
     * @param identity    who asks, as admission authenticated them
     * @param header      sets a header of the answer, refusals' included (a 401's challenge)
     */
    public record Call(
            String function,
            java.util.Optional<String> contentType,
            java.util.function.LongFunction<byte[]> body,
            Identity identity,
            java.util.function.BiConsumer<String, String> header) {}

    /**
     * Serves one call.
     *
     * @param call the request
     * @return the answer
     * @throws ApiException the call's refusal, rendered by the listener as its JSON error
     * @throws StoreUnavailableException an async call while the state store is unreachable
     */
    public JsonAnswer invoke(Call call) {
        try {
            return invokeLogged(call);
        } finally {
            HelidonMdc.remove(REQUEST_ID_MDC);
        }
    }

    private JsonAnswer invokeLogged(Call call) {
        String name = call.function();
        Identity identity = call.identity();
        FunctionRegistration function = catalog.find(name)
                .orElseThrow(() -> new ApiException(
                        Status.NOT_FOUND_404, "FUNCTION_NOT_FOUND", "function '" + name + "' is not registered"));
        if (function.kind() != FunctionKind.HTTP) {
            throw new ApiException(
                    Status.BAD_REQUEST_400,
                    "UNSUPPORTED_FUNCTION_KIND",
                    "function '" + name + "' is of kind " + function.kind().wireName()
                            + " and cannot be called through /invoke");
        }
        // the payload stays the caller's bytes: it is passed on to the function, not read here
        Json.ObjectWithVerbatim body =
                Json.readObject(call.contentType(), () -> call.body().apply(maxBodySize), maxJsonDepth, "payload");
        InvokeRequest request = InvokeRequest.parse(body.fields(), body.verbatim());
        // a result aimed at a topic is a publish: the caller needs the grant /publish would ask for
        request.topic().ifPresent(topic -> grants.authorize(identity, topic, call.header()));
        if (!health.isActive(name)) {
            throw new ApiException(
                    Status.SERVICE_UNAVAILABLE_503,
                    "FUNCTION_UNAVAILABLE",
                    "function '" + name + "' is failing its health check");
        }
        if (request.async() && !events.isAvailable()) {
            // the result could not be delivered: refuse now instead of answering 202 and losing it
            throw new StoreUnavailableException("state store unreachable; cannot accept an async call", null);
        }
        CallLimits.Permit permit = limits.acquire(function);
        String requestId = RandomIds.next();
        // log lines about this call carry its id (request_id in LOG_FORMAT=json)
        HelidonMdc.set(REQUEST_ID_MDC, requestId);
        // on the request's server span (TracingFilter): which call this is; never the payload
        Span.current()
                .setAttribute("switchboard.function", name)
                .setAttribute("switchboard.request_id", requestId)
                .setAttribute("switchboard.async", request.async());
        Duration timeout = request.timeout().orElse(function.timeout());
        String clientId = request.clientId().orElse(null);
        Map<String, String> caller = new LinkedHashMap<>(identity.functionHeaders());
        if (clientId != null) {
            caller.put("X-Client-ID", clientId);
        }
        if (request.async()) {
            // results go to the client's streams in the caller's own namespace
            String streamKey = clientId == null ? null : ClientIds.streamKey(identity, clientId);
            // accepted: a replica that stops meanwhile delivers the result before it goes (SHUTDOWN_GRACE)
            work.begin();
            boolean recorded = false;
            try {
                // recorded (sent, not awaited) before the 202: should this replica die before the result is
                // stored, the fleet answers it
                asyncCalls.started(
                        requestId,
                        AsyncCallRecord.encode(name, streamKey, request.topic().orElse(null)));
                recorded = true;
                // the request's trace goes along: the call and the result's delivery join it
                async.execute(Context.current().wrap(() -> {
                    HelidonMdc.set(REQUEST_ID_MDC, requestId);
                    try {
                        invokeAndDeliver(function, request, requestId, streamKey, identity, caller, timeout, permit);
                    } finally {
                        HelidonMdc.remove(REQUEST_ID_MDC);
                        answered(requestId);
                        work.end();
                    }
                }));
            } catch (RuntimeException e) {
                if (recorded) {
                    answered(requestId);
                }
                work.end();
                permit.close();
                throw e;
            }
            ObjectNode accepted = Json.object();
            accepted.put("success", true);
            accepted.put("request_id", requestId);
            accepted.put("function_name", name);
            accepted.put("client_id", clientId);
            request.topic().ifPresent(topic -> accepted.put("topic", topic));
            accepted.put(
                    "message",
                    "function invoked; the result will be sent to the "
                            + (clientId == null
                                    ? "topic's"
                                    : request.topic().isPresent() ? "client's and the topic's" : "client's")
                            + " streams as a " + FUNCTION_RESPONSE + " event");
            return new JsonAnswer(Status.ACCEPTED_202, Json.bytes(accepted));
        }
        // the answer's bytes stay reserved until it is written
        try (ResponseBudget.Reservation answerBytes = limits.responseBytes().open()) {
            InvocationResult result;
            try {
                result = call(function, request, requestId, caller, timeout, answerBytes);
            } finally {
                permit.close();
            }
            AnswerPublications.Split split = AnswerPublications.split(result, identity, maxEventSize);
            result = split.result();
            // counted as the caller hears of it: an answer whose publications are refused is an execution error
            metrics.invocation(result);
            // the answer's events are in their logs before the caller hears of the result
            try {
                runsByLog(split.publish()).forEach(this::append);
            } catch (StoreUnavailableException e) {
                metrics.redisError();
                // the function ran: its request id lets the caller match the call before it tries again
                ApiException refusal = ErrorHandling.storeRefusal(e);
                throw new ApiException(
                        Status.SERVICE_UNAVAILABLE_503,
                        refusal.code(),
                        "the function answered, but the events its answer publishes could not be stored: "
                                + refusal.getMessage(),
                        Map.of("request_id", requestId));
            }
            Status status = switch (result.outcome()) {
                case SUCCESS -> Status.OK_200;
                case TIMEOUT -> Status.GATEWAY_TIMEOUT_504;
                case EXECUTION_ERROR -> Status.BAD_GATEWAY_502;
                case TOO_MANY_RESPONSE_BYTES -> Status.SERVICE_UNAVAILABLE_503;
            };
            // a function's JSON answer is passed through as it wrote it, when nothing in it needs to change
            return new JsonAnswer(status, result.toJsonBytes());
        }
    }

    private void invokeAndDeliver(
            FunctionRegistration function,
            InvokeRequest request,
            String requestId,
            String streamKey,
            Identity identity,
            Map<String, String> caller,
            Duration timeout,
            CallLimits.Permit permit) {
        ObjectNode json;
        List<AnswerPublications.Target> publish;
        // the answer's bytes stay reserved until the event is built: what is delivered is at most MAX_EVENT_SIZE
        try (ResponseBudget.Reservation answerBytes = limits.responseBytes().open()) {
            InvocationResult result;
            try {
                result = call(function, request, requestId, caller, timeout, answerBytes);
            } finally {
                permit.close();
            }
            AnswerPublications.Split split = AnswerPublications.split(result, identity, maxEventSize);
            publish = split.publish();
            result = split.result();
            json = result.toJson();
            // the largest form stored: a topic's envelope around the result
            ObjectNode answer = json;
            String largest = request.topic()
                    .map(topic -> PublishRequest.envelope(topic, answer))
                    .orElseGet(() -> Json.write(answer));
            // counted, not encoded: the text is not sent from here
            long size = Utf8.length(largest);
            if (size > maxEventSize) {
                // every stream of the client, and Redis, would hold a copy: report it rather than send it
                result = new InvocationResult(
                        false,
                        requestId,
                        function.name(),
                        result.durationMillis(),
                        null,
                        "result of " + size + " bytes exceeds MAX_EVENT_SIZE (" + maxEventSize + " bytes); "
                                + "call it synchronously to receive it",
                        InvocationResult.Outcome.EXECUTION_ERROR,
                        result.functionStatus());
                json = result.toJson();
            }
            // counted as the client hears of it, as a sync call's
            metrics.invocation(result);
        }
        // the events carry this span's trace to the replicas that deliver them (their fan-out spans)
        Span span = tracing.child("publish " + FUNCTION_RESPONSE, SpanKind.PRODUCER);
        try (Scope ignored = GatewayTracing.activate(span)) {
            // one deadline for the whole result: a store outage delays it by ASYNC_DELIVERY_TIMEOUT at most
            long deadline = System.nanoTime() + deliveryTimeout.toNanos();
            int index = 0;
            for (List<AnswerPublications.Target> run : runsByLog(publish)) {
                List<ClientEventLog.Pending> batch = new ArrayList<>(run.size());
                for (AnswerPublications.Target target : run) {
                    batch.add(deliveredOnce(target.publication().pending(), requestId, String.valueOf(index++)));
                }
                String logKey = run.getFirst().logKey();
                deliver(logKey, requestId, deadline, () -> events.publishAll(logKey, batch));
            }
            String text = Json.write(json);
            if (streamKey != null) {
                ClientEventLog.Pending response = once(FUNCTION_RESPONSE, text, requestId, "response");
                deliver(streamKey, requestId, deadline, () -> events.publishAll(streamKey, List.of(response)));
            }
            ObjectNode delivered = json;
            request.topic().ifPresent(topic -> {
                String logKey = TopicNames.logKey(topic);
                ClientEventLog.Pending response =
                        once(FUNCTION_RESPONSE, PublishRequest.envelope(topic, delivered), requestId, "topic");
                deliver(logKey, requestId, deadline, () -> events.publishAll(logKey, List.of(response)));
            });
        } finally {
            span.end();
        }
    }

    /** The call to the function, in a client span whose context the function receives ({@code traceparent}). */
    private InvocationResult call(
            FunctionRegistration function,
            InvokeRequest request,
            String requestId,
            Map<String, String> caller,
            Duration timeout,
            ResponseBudget.Reservation answerBytes) {
        Span span = tracing.child("call " + function.name(), SpanKind.CLIENT);
        try (Scope ignored = GatewayTracing.activate(span)) {
            InvocationResult result =
                    invoker.invoke(function, request.payload(), requestId, caller, timeout, answerBytes);
            span.setAttribute("switchboard.function", function.name());
            span.setAttribute("switchboard.outcome", String.valueOf(result.outcome()));
            if (result.functionStatus() > 0) {
                span.setAttribute("http.response.status_code", result.functionStatus());
            }
            if (!result.success()) {
                span.setStatus(StatusCode.ERROR, String.valueOf(result.outcome()));
            }
            return result;
        } finally {
            span.end();
        }
    }

    /**
     * @param targets an answer's events, in its order
     * @return the same, cut where the log changes: each run of consecutive events for one log is appended as one
     *         step (as a {@code POST /publish} batch is), and the order across logs stays the answer's
     */
    static List<List<AnswerPublications.Target>> runsByLog(List<AnswerPublications.Target> targets) {
        List<List<AnswerPublications.Target>> runs = new ArrayList<>();
        for (AnswerPublications.Target target : targets) {
            if (runs.isEmpty() || !runs.getLast().getFirst().logKey().equals(target.logKey())) {
                runs.add(new ArrayList<>());
            }
            runs.getLast().add(target);
        }
        return runs;
    }

    /** @param run consecutive events of an answer for one log */
    private void append(List<AnswerPublications.Target> run) {
        events.publishAll(
                run.getFirst().logKey(),
                run.stream().map(t -> t.publication().pending()).toList());
    }

    /**
     * @param pending an event of an async result, in its answer's order
     * @param part    which event of the result it is
     * @return the event as its delivery stores it: once, though a try whose reply was lost is repeated (under a
     *         delivery token, unless the function gave the event its own publish id)
     */
    private ClientEventLog.Pending deliveredOnce(ClientEventLog.Pending pending, String requestId, String part) {
        return pending.publishId() != null ? pending : once(pending.type(), pending.data(), requestId, part);
    }

    /**
     * @return an event of an async result under its delivery token ('#' is not in a publisher's id,
     *         {@link PublishRequest#PUBLISH_ID}, so none can match), recognised past the last try
     *         ({@code ASYNC_DELIVERY_TIMEOUT}) by the longest a try can take to reach Redis ({@code REDIS_TIMEOUT}
     *         is at most a minute)
     */
    private ClientEventLog.Pending once(String type, String data, String requestId, String part) {
        return ClientEventLog.Pending.delivery(type, data, deliveryToken(requestId, part), deliveryTokenLife());
    }

    /**
     * Publishes an accepted call's result. The call was accepted (202) while the store was up; should it
     * be down now, the result waits here, retried with back-off for up to {@code ASYNC_DELIVERY_TIMEOUT},
     * rather than being lost.
     *
     * @param deadline {@link System#nanoTime()} after which the result is given up
     */
    private void deliver(String logKey, String requestId, long deadline, Runnable publish) {
        RuntimeException givenUp = StoreRetry.untilDeadline(publish, deadline, e -> metrics.redisError());
        if (givenUp != null && !Thread.currentThread().isInterrupted()) {
            LOGGER.log(
                    Level.WARNING,
                    "could not deliver the result of request " + requestId + " to log " + logKey + " within "
                            + deliveryTimeout.toMillis() + " ms (ASYNC_DELIVERY_TIMEOUT): " + givenUp.getMessage());
        }
    }

    /** Forgets an async call's record (best effort: a record left behind is answered only if this replica dies). */
    private void answered(String requestId) {
        try {
            asyncCalls.finished(requestId);
        } catch (RuntimeException e) {
            metrics.redisError();
        }
    }

    /**
     * @param requestId an async call's request id
     * @param part      which event of its result ({@code response}: its {@code function_response} to the client,
     *                  {@code topic}: to the topic, or its place among the events its answer publishes)
     * @return the event's delivery token: '#' is not in a publisher's id ({@link PublishRequest#PUBLISH_ID}), so
     *     none can match
     */
    static String deliveryToken(String requestId, String part) {
        return "#" + requestId + ":" + part;
    }

    /** @return how long a delivery token is recognised: past the last try by the longest {@code REDIS_TIMEOUT} */
    public Duration deliveryTokenLife() {
        return deliveryTimeout.plus(TOKEN_MARGIN);
    }

    /** @return the calls this replica has not finished: synchronous ones as their listener counts them, async ones */
    public WorkInFlight work() {
        return work;
    }

    @Override
    public void close() {
        async.shutdownNow();
    }
}
