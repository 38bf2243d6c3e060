package dev.switchboard.gateway.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The official MCP TypeScript SDK client ({@code testing/mcp-servers/interop-client.mjs}, the SDK version pinned in
 * its package-lock.json) running its fixed checks against server-everything at a URL, as a child process.
 */
public final class TypeScriptSdkClient {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private TypeScriptSdkClient() {
    }

    /**
     * @param url the MCP endpoint (Streamable HTTP) or the SSE endpoint (HTTP+SSE)
     * @param transport {@code streamable-http} or {@code sse}
     * @return the JSON object of normalized check outcomes the script printed
     */
    public static String run(String url, String transport) {
        Path dir = ServerEverything.installedPackageDir();
        try {
            Path out = Files.createTempFile("ts-sdk-interop", ".json");
            Path err = Files.createTempFile("ts-sdk-interop", ".log");
            // never inheritIO: the test JVM's stdin and stdout are surefire's channel to the fork
            Process node = new ProcessBuilder("node", "interop-client.mjs", url, transport)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!node.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                node.destroyForcibly();
                throw new IllegalStateException("the TypeScript SDK client did not finish within " + RUN_TIMEOUT
                        + " against " + url + ": " + Files.readString(err, StandardCharsets.UTF_8));
            }
            String printed = Files.readString(out, StandardCharsets.UTF_8).strip();
            if (node.exitValue() != 0 || printed.isEmpty()) {
                throw new IllegalStateException("the TypeScript SDK client failed (exit " + node.exitValue()
                        + ") against " + url + ": " + Files.readString(err, StandardCharsets.UTF_8));
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return printed;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node (is Node.js 20+ on PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
