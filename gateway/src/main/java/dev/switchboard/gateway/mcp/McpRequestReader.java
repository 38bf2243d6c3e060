package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.registry.FunctionKind;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.JsonRefusal;
import io.helidon.http.Status;

/**
 * What both MCP transports read from an HTTP request: the MCP server its path names, and the JSON-RPC
 * message its body carries, within the body's size and depth bounds. A request's id is kept with its exchange,
 * so that a refusal after the body was read answers that request ({@link McpExchange#requestId}).
 */
final class McpRequestReader {
    private final FunctionCatalog catalog;
    private final long maxBodySize;
    private final int maxJsonDepth;

    McpRequestReader(FunctionCatalog catalog, long maxBodySize, int maxJsonDepth) {
        this.catalog = catalog;
        this.maxBodySize = maxBodySize;
        this.maxJsonDepth = maxJsonDepth;
    }

    /**
     * @param name the {@code name} of a path {@code /mcp/{name}}
     * @return the MCP server registered as {@code name}
     * @throws McpException 404 when there is none
     */
    FunctionRegistration function(String name) {
        return catalog.find(name)
                .filter(fn -> fn.kind() == FunctionKind.MCP)
                .orElseThrow(() -> new McpException(
                        Status.NOT_FOUND_404, JsonRpc.GATEWAY_ERROR, "no MCP server is registered as '" + name + "'"));
    }

    /**
     * @param exchange a POST, on either listener
     * @return its body: a JSON-RPC object or a batch (an array), with its text where it may go on as it is
     * @throws McpException 400 with a parse error or an invalid request
     */
    ClientMessage message(McpExchange exchange) {
        return parse(exchange.body(maxBodySize), exchange::requestId);
    }

    private ClientMessage parse(byte[] body, java.util.function.Consumer<JsonNode> requestId) {
        try {
            // from the bytes: no decoded copy, and bytes that are not UTF-8 are a parse error rather than replaced
            ClientMessage read = ClientMessage.read(JsonMapper.forRequestBodies(maxJsonDepth), body);
            JsonNode message = read.json();
            if (message == null) {
                throw new McpException(Status.BAD_REQUEST_400, JsonRpc.PARSE_ERROR, "parse error: the body is empty");
            }
            if (!(message.isObject() || message.isArray())) {
                throw new McpException(
                        Status.BAD_REQUEST_400, JsonRpc.INVALID_REQUEST, "a message is a JSON-RPC object");
            }
            if (message.isObject()
                    && message.has("id")
                    && !JsonRpc.isResponse(message)
                    && JsonRpc.isId(message.get("id"))) {
                // before the envelope's check: its refusal answers this id, a method missing or not
                requestId.accept(message.get("id"));
            }
            if (message.isObject()) {
                JsonRpc.checkEnvelope(message);
            }
            return read;
        } catch (JsonProcessingException e) {
            String reason = switch (JsonRefusal.of(e)) {
                case TOO_DEEP -> "nested deeper than " + maxJsonDepth + " levels (MAX_JSON_DEPTH)";
                case NUMBER_TOO_LONG -> "a number longer than " + JsonMapper.MAX_NUMBER_LENGTH + " characters";
                case STRING_TOO_LONG -> "a key or string longer than the parser's bound";
                case DUPLICATE_KEY -> "the key '" + JsonRefusal.duplicateKey(e) + "' twice in one object";
                case INVALID -> "invalid JSON";
            };
            throw new McpException(Status.BAD_REQUEST_400, JsonRpc.PARSE_ERROR, "parse error: " + reason);
        } catch (java.io.IOException e) {
            // not thrown reading an array: only the parser's own refusals above
            throw new java.io.UncheckedIOException(e);
        }
    }
}
