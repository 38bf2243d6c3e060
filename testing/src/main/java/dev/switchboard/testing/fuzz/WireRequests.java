package dev.switchboard.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates hostile HTTP/1.1 requests as raw bytes: mostly a plausible request for one of the target's
 * paths with one or two things broken (request line, version, header syntax, framing, size, body), so
 * that each mutation reaches the layer that must refuse it. Deterministic for a given {@link Random}.
 */
public final class WireRequests {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"};
    private static final String[] BAD_METHODS = {
        "G[T", "GE T", "", "get", "GET\u0000", "\u00ff\u00fe", "(", "GET/", "A".repeat(300), "CONNECT", "TRACE", "PRI"
    };
    private static final String[] BAD_TARGETS = {
        "*",
        "x",
        "",
        "//",
        "/%zz",
        "/%00",
        "/sse/%",
        "/..%2f..%2fetc",
        "http://x/sse/c1",
        "/sse/c1#frag",
        "/sse/c1?%%",
        "/sse/c1?a=%zz",
        "/\u00e9",
        "/invoke/" + "a".repeat(5000),
        "/sse/" + "b".repeat(200),
        "/a b",
        "[v1.x]:80",
        "/?" + "q=1&".repeat(100)
    };
    private static final String[] BAD_VERSIONS = {
        "HTTP/1.0",
        "HTTP/2.0",
        "HTTP/1.2",
        "http/1.1",
        "HTTP/1.1 ",
        "HTTP/1",
        "HTTP/1.1x",
        "HTTP/0.9",
        "",
        "HTTP/1.10",
        "HTTPS/1.1"
    };
    private static final String[] BAD_HEADERS = {
        "Bad Header: x",
        "NoColon",
        ": novalue",
        "X-Nul: a\u0000b",
        " folded: continuation",
        "X-A:\tb\r\n c",
        "Host: a\r\nHost: b",
        "Host:",
        "Host: x:99999999999",
        "Host: [::1",
        "Content-Length: -1",
        "Content-Length: abc",
        "Content-Length: 5, 5",
        "Content-Length: 99999999999999999999",
        "Content-Length: 2\r\nContent-Length: 3",
        "Transfer-Encoding: chunked, gzip",
        "Transfer-Encoding:  chunked",
        "Transfer-Encoding: gzip",
        "Transfer-Encoding: chunked\r\nContent-Length: 5",
        "Content-Encoding: gzip",
        "Expect: 100-continue",
        "Expect: garbage",
        "Upgrade: h2c",
        "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c",
        "Last-Event-ID: " + "9".repeat(40) + "-x",
        "Last-Event-ID: \u00ff",
        "Authorization: Bearer ...",
        "Authorization: Basic !!",
        "X-API-Key: \u00e9",
        "Mcp-Session-Id: ../../x",
        "MCP-Protocol-Version: 9999",
        "Content-Type: text/plain",
        "Content-Type: application/json; charset=\u00ff",
        "Origin: null",
        "X-Forwarded-For: not-an-ip",
        "Accept: " + "a,".repeat(500),
        "\u00ff\u00fe: x"
    };
    private static final String[] JSON = {
        "{}",
        "[]",
        "null",
        "1",
        "\"x\"",
        "{\"payload\":1}",
        "{\"payload\":1,\"timeout\":\"" + "1m".repeat(3000) + "\"}",
        "{\"payload\":1,\"timeout\":\"-1s\"}",
        "{\"payload\":1,\"timeout\":1e999999999}",
        "{\"payload\":1e999999999}",
        "{\"payload\":" + "9".repeat(2000) + "}",
        "{\"payload\":1,\"payload\":2}",
        "{\"payload\":1,\"async\":\"yes\"}",
        "{\"payload\":1,\"async\":true}",
        "{\"payload\":1,\"async\":true,\"client_id\":\"bad id\"}",
        "{\"payload\":\"\\ud800\"}",
        "{\"payload\":1,\"client_id\":\"" + "c".repeat(300) + "\"}",
        "{\"payload",
        "{\"payload\":}",
        "\u0000",
        "\u00ff\u00fe\u00fd",
        "{\"a\":1}garbage",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":1,\"arguments\":[]}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}",
        "[{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}]",
        "{\"jsonrpc\":\"1.0\",\"method\":5}",
        "{\"name\":\"fz\",\"endpoint\":\"http://127.0.0.1:1/x\",\"timeout\":\"" + "1m".repeat(3000) + "\"}",
        "{\"name\":\"\",\"endpoint\":\"ftp://x\"}",
        "{\"name\":\"fz\",\"endpoint\":\"http://[::ffff:127.0.0.1]:1/\",\"kind\":\"mcp\"}",
        "{\"name\":\"fz\",\"name\":\"fy\",\"endpoint\":\"http://127.0.0.1:1/\"}",
        "{\"name\":\"fz\",\"endpoint\":\"http://127.0.0.1:1/\",\"headers\":{\"a\":{}},\"auth\":[1]}"
    };

    private final Random random;
    private final int hugeBody;

    /**
     * @param random   the source of every choice
     * @param hugeBody size of a body meant to exceed the server's body limit
     */
    public WireRequests(Random random, int hugeBody) {
        this.random = random;
        this.hugeBody = hugeBody;
    }

    /**
     * @param paths the paths of the listener aimed at
     * @return one request
     */
    public WireRequest next(List<String> paths) {
        String method = pick(METHODS);
        String target = pick(paths);
        String version = "HTTP/1.1";
        List<String> headers = new ArrayList<>(List.of("Host: 127.0.0.1"));
        byte[] body = new byte[0];
        String framing = "length";
        String eol = "\r\n";
        List<String> label = new ArrayList<>();
        if (random.nextInt(3) > 0) {
            method = random.nextBoolean() ? "POST" : method;
            body = body();
            headers.add("Content-Type: application/json");
        }
        // none in a quarter of the cases: a well-framed hostile body reaches the JSON layers
        int mutations = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(2);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(11)) {
                case 0 -> method = label(label, "method", pick(BAD_METHODS));
                case 1 -> target = label(label, "target", pick(BAD_TARGETS));
                case 2 -> version = label(label, "version", pick(BAD_VERSIONS));
                case 3 -> headers.add(label(label, "header", pick(BAD_HEADERS)));
                case 4 ->
                    framing = label(
                            label, "framing", pick(new String[] {"chunked", "bad-chunks", "short", "long", "none"}));
                case 5 -> headers.add(label(label, "huge-head", "X-Big: " + "h".repeat(4000 + random.nextInt(70000))));
                case 6 -> {
                    label.add("many-headers");
                    for (int i = 0, n = 50 + random.nextInt(500); i < n; i++) {
                        headers.add("X-H" + i + ": " + i);
                    }
                }
                case 7 -> eol = label(label, "eol", random.nextBoolean() ? "\n" : "\r");
                case 8 -> {
                    label.add("huge-body");
                    body = ("{\"payload\":\"" + "z".repeat(hugeBody) + "\"}").getBytes(StandardCharsets.UTF_8);
                }
                case 9 -> {
                    label.add("garbage-body");
                    body = new byte[random.nextInt(4096)];
                    random.nextBytes(body);
                }
                default -> headers.remove(label(label, "no-host", "Host: 127.0.0.1"));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, method + " " + target + " " + version + eol);
        switch (framing) {
            case "length", "short", "long" -> {
                int declared = body.length
                        + (framing.equals("short") ? -Math.min(body.length, 3) : 0)
                        + (framing.equals("long") ? 1 + random.nextInt(100) : 0);
                if (body.length > 0 || !method.equals("GET")) {
                    headers.add("Content-Length: " + declared);
                }
            }
            case "chunked", "bad-chunks" -> headers.add("Transfer-Encoding: chunked");
            default -> {}
        }
        for (String header : headers) {
            write(out, header.replace("\r\n", eol) + eol);
        }
        write(out, eol);
        switch (framing) {
            case "chunked" -> {
                write(out, Integer.toHexString(body.length) + "\r\n");
                out.writeBytes(body);
                write(out, (body.length > 0 ? "\r\n0\r\n" : "") + "\r\n");
            }
            case "bad-chunks" ->
                write(out, pick(new String[] {
                    "zz\r\nabc\r\n0\r\n\r\n",
                    "5\r\nabc\r\n",
                    "-1\r\n\r\n",
                    "ffffffffffffffff\r\nx\r\n",
                    "3;ext=\u0000\r\nabc\r\n0\r\n\r\n",
                    "3\r\nabcXX0\r\n\r\n",
                    "0\r\ngarbage\r\n\r\n",
                    "7fffffff\r\n" + "a".repeat(100)
                }));
            default -> out.writeBytes(body);
        }
        byte[] bytes = out.toByteArray();
        WireRequest.Ending ending = WireRequest.Ending.HALF_CLOSE;
        int roll = random.nextInt(20);
        if (roll == 0) {
            // a client gone mid-head: what is left must not be logged as the server's failure
            bytes = java.util.Arrays.copyOf(bytes, random.nextInt(Math.max(1, bytes.length)));
            ending = WireRequest.Ending.RESET;
            label.add("reset-mid-request");
        } else if (roll == 1) {
            bytes = java.util.Arrays.copyOf(bytes, random.nextInt(Math.max(1, bytes.length)));
            label.add("truncated");
        } else if (roll == 2) {
            ending = WireRequest.Ending.WAIT;
        }
        int pieces = random.nextInt(8) == 0 ? 2 + random.nextInt(6) : 1;
        return new WireRequest(bytes, pieces, ending, label.isEmpty() ? "plausible" : String.join(",", label));
    }

    private byte[] body() {
        String json = switch (random.nextInt(4)) {
            case 0 -> "[".repeat(1 + random.nextInt(5000)) + "]".repeat(random.nextInt(5000));
            case 1 ->
                "{\"payload\":" + "{\"a\":".repeat(1 + random.nextInt(2000)) + "1" + "}".repeat(random.nextInt(2001))
                        + "}";
            default -> pick(JSON);
        };
        return json.getBytes(random.nextBoolean() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    private static String label(List<String> label, String kind, String value) {
        label.add(kind);
        return value;
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
