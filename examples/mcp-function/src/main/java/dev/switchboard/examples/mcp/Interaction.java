package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Multi round-trip requests (SEP-2322) for one {@code tools/call} or {@code prompts/get}, without keeping anything:
 * what the server still needs goes out as {@code inputRequests}; what it already has goes out sealed in
 * {@code requestState} and comes back on the retry, together with the new {@code inputResponses}.
 *
 * <p>The state payload binds the answers to the request that asked for them, as the MRTR page recommends:
 * method, tool or prompt name, a digest of the arguments, the caller ({@code X-Client-ID} when the gateway sends
 * one) and an expiry. A state that fails any of these is rejected with -32602, never silently ignored.
 */
final class Interaction {

    /** Long enough for a person to fill in a form, short enough to bound replays. */
    static final Duration STATE_TTL = Duration.ofMinutes(10);

    private final RequestContext ctx;
    private final RequestStateSigner signer;
    private final Clock clock;
    private final String name;
    private final String argumentsDigest;
    private final JsonNode responses;
    /** Answers from earlier rounds (out of the state) plus those accepted in this one. */
    private final ObjectNode answers;

    private final boolean hasState;

    private Interaction(
            RequestContext ctx,
            RequestStateSigner signer,
            Clock clock,
            String name,
            String argumentsDigest,
            JsonNode responses,
            ObjectNode answers,
            boolean hasState) {
        this.ctx = ctx;
        this.signer = signer;
        this.clock = clock;
        this.name = name;
        this.argumentsDigest = argumentsDigest;
        this.responses = responses;
        this.answers = answers;
        this.hasState = hasState;
    }

    /**
     * Reads and checks {@code inputResponses} and {@code requestState} up front, whatever the tool: a tampered
     * state is an error even for a tool that never issued one.
     */
    static Interaction open(
            RequestContext ctx, RequestStateSigner signer, Clock clock, String name, JsonNode arguments) {
        JsonNode responses = ctx.params().get("inputResponses");
        if (responses != null && !responses.isObject()) {
            throw McpException.invalidParams("inputResponses must be an object");
        }
        String digest = digest(arguments);
        JsonNode state = ctx.params().get("requestState");
        ObjectNode answers = Json.object();
        if (state != null) {
            if (!state.isTextual()) {
                throw McpException.invalidParams("requestState must be a string");
            }
            ObjectNode payload = signer.verify(state.asText());
            if (!ctx.method().equals(Json.text(payload, "m", null))
                    || !name.equals(Json.text(payload, "n", null))
                    || !digest.equals(Json.text(payload, "h", null))) {
                throw McpException.invalidParams("requestState was issued for another request");
            }
            if (!Objects.equals(ctx.principal(), Json.text(payload, "sub", null))) {
                throw McpException.invalidParams("requestState was issued to another client");
            }
            if (payload.path("exp").asLong(0) < clock.millis()) {
                throw McpException.invalidParams("requestState has expired; call again without it");
            }
            if (payload.get("a") instanceof ObjectNode carried) {
                answers = carried;
            }
        }
        return new Interaction(
                ctx,
                signer,
                clock,
                name,
                digest,
                responses == null ? Json.object() : responses,
                answers,
                state != null);
    }

    /**
     * Gets the answers to {@code needed}, from earlier rounds or from this request's {@code inputResponses}, and
     * hands them to {@code then}; if some are still missing, answers an {@code InputRequiredResult} asking for
     * exactly those. Calls nest for multi-round flows: an inner call sees the answers the outer one accepted.
     *
     * @param requireState accept fresh responses only next to a valid requestState, for flows whose logic relies
     *                     on the state; single-question tools accept them bare (the spec lets a client retry
     *                     without state when none is needed)
     * @throws McpException -32021 if the client did not declare a capability a request needs; -32602 for a
     *                      malformed answer
     */
    ObjectNode collect(
            List<InputRequest> needed, boolean requireState, Function<Map<String, JsonNode>, ObjectNode> then) {
        ctx.requireCapabilities(
                needed.stream().map(InputRequest::capability).distinct().toList());
        boolean acceptResponses = hasState || !requireState;
        Map<String, JsonNode> found = new LinkedHashMap<>();
        List<InputRequest> missing = new ArrayList<>();
        for (InputRequest request : needed) {
            JsonNode answer = answers.get(request.key());
            if (answer == null && acceptResponses && responses.has(request.key())) {
                answer = responses.get(request.key());
                request.validate(answer);
            }
            if (answer == null) {
                missing.add(request);
            } else {
                found.put(request.key(), answer);
            }
        }
        found.forEach(answers::set); // kept, so that a re-ask for the missing ones does not lose them
        return missing.isEmpty() ? then.apply(found) : inputRequired(missing);
    }

    private ObjectNode inputRequired(List<InputRequest> missing) {
        ObjectNode result = Json.object().put("resultType", "input_required");
        ObjectNode requests = result.putObject("inputRequests");
        missing.forEach(request -> requests.set(request.key(), request.toJson()));
        long now = clock.millis();
        ObjectNode payload =
                Json.object().put("v", 1).put("m", ctx.method()).put("n", name).put("h", argumentsDigest);
        if (ctx.principal() != null) {
            payload.put("sub", ctx.principal());
        }
        payload.put("iat", now)
                .put("exp", now + STATE_TTL.toMillis())
                .put("jti", UUID.randomUUID().toString());
        payload.set("a", answers);
        result.put("requestState", signer.sign(payload));
        return result;
    }

    /** SHA-256 of the canonical arguments: the state names the request it belongs to without repeating it. */
    private static String digest(JsonNode arguments) {
        try {
            byte[] canonical = Json.write(Json.canonical(arguments)).getBytes(StandardCharsets.UTF_8);
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
