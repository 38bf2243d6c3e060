package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.admission.AddressLimits;
import dev.switchboard.gateway.admission.Admission;
import dev.switchboard.gateway.admission.Refusal;
import dev.switchboard.gateway.admission.Verdict;
import dev.switchboard.gateway.api.ClientStreamService;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.auth.ProtectedResourceMetadata;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.RawAnswer;
import dev.switchboard.gateway.mcp.McpException;
import dev.switchboard.gateway.mcp.McpRoute;
import dev.switchboard.gateway.mcp.McpStreamOpener;
import dev.switchboard.gateway.net.RateLimitedLog;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.registry.StoreUnavailableException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What becomes of a request an event loop holds ({@link StreamListener}: a GET stream, a preflight, the methods its
 * routes refuse, the resource metadata), decided on a virtual thread because it may block or call the store:
 * the same {@link Admission} pipeline as every request, then a stream opened through {@link ClientStreamService} or
 * {@link McpStreamOpener}, or a whole answer. The decision goes back to the loop, which alone writes the socket, as
 * one {@link Outcome}.
 */
final class StreamOpening {
    private static final Logger LOGGER = Logger.getLogger(StreamOpening.class.getName());
    private static final String CACHE_CONTROL = RawAnswer.CACHE_CONTROL;

    /** Where an opening's decision goes: exactly one call, from the opening's thread, for the loop to carry out. */
    interface Outcome {
        /**
         * The stream is open: the loop writes its start, then whatever the stream is woken for.
         *
         * @param stream   the open stream
         * @param finish   how it ends (off the loop: it may call the store)
         * @param start    the response head and the stream's first bytes, as one write
         * @param replayed how many events of {@code start} are replayed ones (the written-events figure)
         */
        void begin(SseStream stream, Consumer<CloseReason> finish, byte[] start, int replayed);

        /** @param answer a whole answer (an error, a preflight's, a document), after which the connection closes */
        void answer(byte[] answer);
    }

    private final ClientStreamService streams;
    private final McpStreamOpener mcp;
    private final InvokeExchange invoke;
    /** The OAuth protected resource metadata, when JWTs are checked (else its path is no route, as on PORT). */
    private final Optional<ProtectedResourceMetadata> resourceMetadata;

    private final Admission admission;
    private final AddressLimits limits;
    private final RateLimitedLog openFailures = new RateLimitedLog(
            LOGGER, Level.SEVERE, "unexpected error opening a stream", Duration.ofMinutes(1), System::nanoTime);
    /** Every stream opened while the store is away fails alike: one line per interval, not per stream. */
    private final RateLimitedLog storeFailures = ErrorHandling.storeFailures(LOGGER);

    /** @param parts what every loop of the listener serves with */
    StreamOpening(LoopParts parts) {
        this.streams = parts.streams();
        this.mcp = parts.mcp();
        this.invoke = parts.api().invoke();
        this.resourceMetadata = parts.api().resourceMetadata();
        this.admission = parts.admission();
        this.limits = parts.settings().limits();
    }

    /**
     * On a virtual thread: everything that may block or call the store.
     *
     * @param head    the request head the loop holds
     * @param peer    the client's address
     * @param outcome where the decision goes: once, to the loop
     */
    void open(RequestHead head, SocketAddress peer, Outcome outcome) {
        Optional<McpRoute> mcpRoute = McpRoute.of(head.path());
        if (mcpRoute.isPresent()) {
            openMcp(head, peer, mcpRoute.get(), outcome);
            return;
        }
        if (ExchangeRoute.invokedFunction(head.path()).isPresent()) {
            refuseOtherMethods(head, peer, invoke.corsHeaders(head.headers()), invoke::preflightHeaders, outcome);
            return;
        }
        if (ExchangeRoute.publishedTopic(head.path()).isPresent()
                || ExchangeRoute.publishedMcpServer(head.path()).isPresent()) {
            refuseOtherMethods(head, peer, Map.of(), null, outcome);
            return;
        }
        if (resourceMetadata.isPresent() && ProtectedResourceMetadata.covers(head.path())) {
            answerMetadata(head, peer, resourceMetadata.get(), outcome);
            return;
        }
        Map<String, String> extra = Map.of();
        try {
            String path = head.path();
            // whatever follows /sse/ is the client id: an empty one, or one with a '/' that came as %2F, is refused
            // as an invalid id (400 INVALID_CLIENT_ID), not as an unknown route
            if (!path.startsWith("/sse/")) {
                throw new ApiException(
                        Status.NOT_FOUND_404,
                        "NOT_FOUND",
                        "no route for " + head.method() + " " + path
                                + " on the public listener (it serves GET /sse/{clientId}, /mcp/{name},"
                                + " GET /mcp/{name}/sse, POST /mcp/{name}/messages, POST /invoke/{function},"
                                + " POST /publish/{topic} and POST /publish/mcp/{server}; /admin/*, /health/* and"
                                + " /metrics are on the admin listener)");
            }
            boolean preflight = admission.isPreflight(head.method(), head.headers());
            if (!preflight && !head.method().equals("GET")) {
                extra = Map.of("Allow", "GET, OPTIONS");
                throw new ApiException(
                        Status.METHOD_NOT_ALLOWED_405,
                        "METHOD_NOT_ALLOWED",
                        head.method() + " is not allowed here; use GET");
            }
            Identity identity;
            switch (admission.admit(head.method(), path, peer, head.headers())) {
                case Verdict.Preflight p -> {
                    Map<String, String> allow = streams.preflightHeaders(head.headers());
                    outcome.answer(RawAnswer.of(Status.NO_CONTENT_204, allow, null));
                    return;
                }
                case Verdict.Refused refused -> {
                    extra = refused.refusal().headers();
                    throw refused.refusal().error();
                }
                case Verdict.Admitted admitted -> identity = admitted.identity();
            }
            ClientStreamService.Opened opened = streams.open(
                    path.substring(5), head.headers(), head.query(), identity, limits.client(peer, head.headers()));
            byte[] start = startOf(opened);
            ClientStreamService.Opened written = opened.written();
            outcome.begin(opened.stream(), reason -> streams.finish(written, reason), start, opened.replayed());
        } catch (ApiException e) {
            outcome.answer(RawAnswer.error(e, withCors(head, extra)));
        } catch (StoreUnavailableException e) {
            streams.metrics().redisError();
            storeFailures.log(e);
            outcome.answer(RawAnswer.error(ErrorHandling.storeRefusal(e), withCors(head, Map.of())));
        } catch (RuntimeException e) {
            openFailures.log(e);
            outcome.answer(RawAnswer.error(ErrorHandling.internalError(), Map.of()));
        }
    }

    /**
     * @return a refusal's headers on {@code /sse/...} with the route's CORS headers, so that a page the origins
     *     allow can read the error as {@code /invoke}'s and {@code /mcp}'s refusals let it
     */
    private Map<String, String> withCors(RequestHead head, Map<String, String> extra) {
        if (!head.path().startsWith("/sse/")) {
            return extra;
        }
        Map<String, String> headers = new LinkedHashMap<>(streams.corsHeaders(head.headers()));
        headers.putAll(extra);
        return headers;
    }

    /**
     * On a virtual thread: {@code /.well-known/oauth-protected-resource[/...]}, public as documented
     * (only the per-address limit applies): the document to a GET, a preflight's answer to an OPTIONS, 405 to the
     * rest. It is here so that an MCP client given this listener's URL alone finds the metadata its challenge names.
     */
    private void answerMetadata(
            RequestHead head, SocketAddress peer, ProtectedResourceMetadata metadata, Outcome outcome) {
        Optional<Refusal> refused = admission.perAddress(peer, head.headers());
        if (refused.isPresent()) {
            outcome.answer(RawAnswer.error(refused.get().error(), refused.get().headers()));
            return;
        }
        byte[] answer;
        switch (head.method()) {
            case "GET" -> {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", "application/json");
                headers.putAll(ProtectedResourceMetadata.HEADERS);
                answer = RawAnswer.of(Status.OK_200, headers, metadata.document());
            }
            case "OPTIONS" ->
                answer = RawAnswer.of(
                        Status.NO_CONTENT_204,
                        ProtectedResourceMetadata.preflightHeaders(
                                head.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS)),
                        null);
            default ->
                answer = RawAnswer.error(
                        new ApiException(
                                Status.METHOD_NOT_ALLOWED_405,
                                "METHOD_NOT_ALLOWED",
                                head.method() + " is not allowed here; use GET"),
                        Map.of("Allow", "GET"));
        }
        outcome.answer(answer);
    }

    /**
     * On a virtual thread: what the loop keeps of {@code /invoke/{function}} and {@code /publish/{topic}} (a POST
     * goes to {@link BlockingExchanges}): a preflight of {@code /invoke}, answered as documented
     * before authentication, or another method, refused after admission with 405 and {@code Allow: POST}, with
     * the route's CORS headers. {@code /publish} has no CORS: a preflight is 405 too.
     *
     * @param cors      the route's CORS headers for this request's origin (none for {@code /publish})
     * @param preflight the headers answering a preflight; null where the route has no CORS
     */
    private void refuseOtherMethods(
            RequestHead head,
            SocketAddress peer,
            Map<String, String> cors,
            Function<Headers, Map<String, String>> preflight,
            Outcome outcome) {
        Map<String, String> headers = new LinkedHashMap<>(cors);
        ApiException refusal;
        switch (admission.admit(head.method(), head.path(), peer, head.headers())) {
            case Verdict.Preflight p
            when preflight != null -> {
                Map<String, String> allow = preflight.apply(head.headers());
                outcome.answer(RawAnswer.of(Status.NO_CONTENT_204, allow, null));
                return;
            }
            case Verdict.Refused refused -> {
                headers.putAll(refused.refusal().headers());
                refusal = refused.refusal().error();
            }
            default -> {
                headers.put("Allow", "POST");
                refusal = new ApiException(
                        Status.METHOD_NOT_ALLOWED_405,
                        "METHOD_NOT_ALLOWED",
                        head.method() + " is not allowed here; use POST");
            }
        }
        outcome.answer(RawAnswer.error(refusal, headers));
    }

    /**
     * On a virtual thread: {@code GET /mcp/{name}}, a session's standalone stream (or its resume),
     * {@code GET /mcp/{name}/sse}, an HTTP+SSE session's stream, or a preflight on an MCP route, through the same
     * admission and per-address stream cap as documented; refusals carry the same statuses and JSON-RPC
     * error bodies. The rest of the MCP routes is {@link BlockingExchanges}'.
     */
    private void openMcp(RequestHead head, SocketAddress peer, McpRoute route, Outcome outcome) {
        Map<String, String> extra = new LinkedHashMap<>(mcp.corsHeaders(head.headers()));
        String address = null;
        try {
            Identity identity;
            switch (admission.admit(head.method(), head.path(), peer, head.headers())) {
                case Verdict.Preflight p -> {
                    Map<String, String> allow = mcp.preflightHeaders(head.headers());
                    outcome.answer(RawAnswer.of(Status.NO_CONTENT_204, allow, null));
                    return;
                }
                case Verdict.Refused refused -> {
                    extra.putAll(refused.refusal().headers());
                    throw refused.refusal().error();
                }
                case Verdict.Admitted admitted -> identity = admitted.identity();
            }
            String client = limits.client(peer, head.headers());
            // refused as every MCP admission is below: a JSON-RPC error
            limits.acquireStream(client);
            address = client;
            McpStreamOpener.Opened opened = route.kind() == McpRoute.Kind.SSE
                    ? mcp.openLegacy(route.server(), head.headers(), identity)
                    : mcp.open(route.server(), head.headers(), identity);
            String counted = address;
            address = null; // from here the stream's finish releases it
            byte[] start = mcpStartOf(opened);
            outcome.begin(
                    opened.stream(),
                    reason -> {
                        try {
                            opened.finish(reason);
                        } finally {
                            limits.releaseStream(counted);
                        }
                    },
                    start,
                    0);
        } catch (StoreUnavailableException e) {
            streams.metrics().redisError();
            storeFailures.log(e);
            refuseMcp(ErrorHandling.storeRefusal(e), extra, outcome);
        } catch (ApiException | McpException e) {
            refuseMcp(e, extra, outcome);
        } catch (RuntimeException e) {
            openFailures.log(e);
            refuseMcp(ErrorHandling.internalError(), extra, outcome);
        } finally {
            if (address != null) {
                limits.releaseStream(address);
            }
        }
    }

    /** A refusal on an MCP route: its status, a JSON-RPC error body, then the connection closes. */
    private static void refuseMcp(RuntimeException error, Map<String, String> extra, Outcome outcome) {
        McpStreamOpener.Refused refused = McpStreamOpener.refusal(error);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", CACHE_CONTROL);
        headers.putAll(extra);
        if (error instanceof McpException m) {
            m.allow().ifPresent(allow -> headers.put("Allow", allow));
        }
        outcome.answer(RawAnswer.of(refused.status(), headers, refused.body()));
    }

    /** An MCP stream's response head and its first bytes (priming or replay), as one write. */
    private static byte[] mcpStartOf(McpStreamOpener.Opened opened) {
        return streamStart("no-cache", opened.headers(), opened.start());
    }

    /** The response head, the {@code connected} event and the replay, as one write. */
    private byte[] startOf(ClientStreamService.Opened opened) {
        Map<String, String> extra = new LinkedHashMap<>();
        opened.allowOrigin().ifPresent(origin -> extra.put("Access-Control-Allow-Origin", origin));
        if (streams.corsVariesByOrigin()) {
            extra.put("Vary", "Origin");
        }
        return streamStart(CACHE_CONTROL, extra, opened.start());
    }

    /**
     * A stream's response head and its first bytes, as one write: no length, as the stream ends with the connection.
     *
     * @param cacheControl the {@code Cache-Control} value
     * @param extra        headers after the stream's own
     * @param start        the stream's first bytes
     */
    private static byte[] streamStart(String cacheControl, Map<String, String> extra, byte[] start) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/event-stream; charset=utf-8");
        headers.put("Cache-Control", cacheControl);
        headers.put("X-Accel-Buffering", "no");
        headers.putAll(extra);
        return RawAnswer.head(Status.OK_200, headers, -1, true, 256 + start.length)
                .toArray(start);
    }
}
