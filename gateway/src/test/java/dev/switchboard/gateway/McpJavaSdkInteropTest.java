package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.support.JavaSdkClient;

/**
 * The interop suite ({@link ServerEverythingInteropSuite}) with the official MCP Java SDK client (the version in
 * the gateway's test dependencies) in this JVM, over its Streamable HTTP and its (deprecated) HTTP+SSE transport.
 */
class McpJavaSdkInteropTest extends ServerEverythingInteropSuite {
    @Override
    protected JsonNode runClient(String url, String transport) {
        return JavaSdkClient.run(url, transport);
    }

    @Override
    protected JsonNode runClientAcrossRestart(String url, String transport, Runnable between) {
        return JavaSdkClient.runAcross(url, transport, between);
    }
}
