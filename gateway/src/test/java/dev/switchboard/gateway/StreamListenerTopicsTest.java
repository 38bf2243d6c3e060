package dev.switchboard.gateway;

import java.util.Map;

/** Topics with every {@code /sse} request on the stream listener ({@code STREAM_PORT}), the event-loop transport. */
class StreamListenerTopicsTest extends TopicsContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of("STREAM_PORT", "0");
    }

    @Override
    void resetStore() {
        // each gateway starts with empty memory
    }

    @Override
    String stream(Gateway on, String path) {
        return "http://127.0.0.1:" + on.streamPort().orElseThrow() + path;
    }
}
