package dev.switchboard.gateway.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.AsciiBytes;
import dev.switchboard.gateway.http.Json;

/**
 * The outcome of one function call, in the original project's field names.
 *
 * @param success        whether the function answered 2xx with a readable body
 * @param requestId      the {@code X-Request-ID} sent to the function
 * @param functionName   the function
 * @param durationMillis time from call to answer
 * @param data           the function's answer: JSON when it sent JSON, else text; null on failure
 * @param error          what went wrong, or null
 * @param code           {@link Outcome} code on failure, or null
 * @param functionStatus the function's HTTP status, or 0 when it did not answer
 * @param dataJson       the function's JSON answer as it wrote it, passed through instead of {@code data}
 *                       (see {@link PassThroughJson}), or null
 */
public record InvocationResult(
        boolean success,
        String requestId,
        String functionName,
        long durationMillis,
        JsonNode data,
        String error,
        Outcome code,
        int functionStatus,
        byte[] dataJson) {

    /** A result whose data, if any, is a tree. */
    public InvocationResult(
            boolean success,
            String requestId,
            String functionName,
            long durationMillis,
            JsonNode data,
            String error,
            Outcome code,
            int functionStatus) {
        this(success, requestId, functionName, durationMillis, data, error, code, functionStatus, null);
    }

    /** @return the function's answer as a tree (parsed here when it was passed through as bytes) */
    @Override
    public JsonNode data() {
        if (data == null && dataJson != null) {
            try {
                return Json.MAPPER.readTree(dataJson);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("checked JSON did not parse", e);
            }
        }
        return data;
    }

    /** How a call ended; failure codes are the API's error codes. */
    public enum Outcome {
        SUCCESS,
        EXECUTION_ERROR,
        TIMEOUT,
        /** The answer did not fit in {@code MAX_RESPONSE_BYTES_IN_FLIGHT}: the replica is short of memory, retry. */
        TOO_MANY_RESPONSE_BYTES
    }

    /** @return the outcome */
    public Outcome outcome() {
        return success ? Outcome.SUCCESS : code;
    }

    /** @return the JSON answer of a sync call and the data of a {@code function_response} event */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("success", success);
        json.put("request_id", requestId);
        json.put("function_name", functionName);
        json.put("duration_ms", durationMillis);
        if (success) {
            json.set("data", data());
        } else {
            json.put("error", error);
            json.put("code", code.name());
            if (functionStatus > 0) {
                json.put("function_status", functionStatus);
            }
        }
        json.put("timestamp", epochSecond());
        return json;
    }

    /**
     * @return {@link #toJson()} as UTF-8 bytes; a passed-through answer's bytes are copied in unchanged, not
     *         parsed and written again
     */
    public byte[] toJsonBytes() {
        if (!success || dataJson == null) {
            return Json.bytes(toJson());
        }
        if (!isPlain(requestId) || !isPlain(functionName) || durationMillis < 0) {
            return generatedJsonBytes();
        }
        // the envelope written straight into one array of its size: its strings need no escaping, and the bytes
        // are those the generator writes (generatedJsonBytes, which InvocationResultTest compares with)
        long timestamp = epochSecond();
        int size = ENVELOPE_TEXT
                + requestId.length()
                + functionName.length()
                + AsciiBytes.digits(durationMillis)
                + dataJson.length
                + AsciiBytes.digits(timestamp);
        return new AsciiBytes(size)
                .append(SUCCESS_ID)
                .append(requestId)
                .append(NAME)
                .append(functionName)
                .append(DURATION)
                .append(durationMillis)
                .append(DATA)
                .append(dataJson)
                .append(TIMESTAMP)
                .append(timestamp)
                .append('}')
                .toArray(null);
    }

    private static final String SUCCESS_ID = "{\"success\":true,\"request_id\":\"";
    private static final String NAME = "\",\"function_name\":\"";
    private static final String DURATION = "\",\"duration_ms\":";
    private static final String DATA = ",\"data\":";
    private static final String TIMESTAMP = ",\"timestamp\":";
    /** The envelope's own characters, its closing brace included. */
    private static final int ENVELOPE_TEXT =
            SUCCESS_ID.length() + NAME.length() + DURATION.length() + DATA.length() + TIMESTAMP.length() + 1;

    /** @return whether the text is written in JSON as it is: printable ASCII, no quote or backslash */
    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** {@link #toJsonBytes()} of a passed-through answer, through the JSON generator. */
    byte[] generatedJsonBytes() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(dataJson.length + 160);
        try (com.fasterxml.jackson.core.JsonGenerator json =
                Json.MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeBooleanField("success", true);
            json.writeStringField("request_id", requestId);
            json.writeStringField("function_name", functionName);
            json.writeNumberField("duration_ms", durationMillis);
            json.writeFieldName("data");
            // an empty raw value moves the generator past "data"; the bytes go straight after what it wrote
            json.writeRawValue("");
            json.flush();
            out.write(dataJson);
            json.writeNumberField("timestamp", epochSecond());
            json.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write a result", e);
        }
        return out.toByteArray();
    }

    /** @return the wall clock in seconds (the millisecond clock: 2.8% of /invoke's samples went to {@code Instant.now()}) */
    private static long epochSecond() {
        return System.currentTimeMillis() / 1000;
    }
}
