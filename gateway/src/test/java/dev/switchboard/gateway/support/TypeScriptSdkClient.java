package dev.switchboard.gateway.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official MCP TypeScript SDK client ({@code testing/mcp-servers/interop-client.mjs}, the SDK version pinned in
 * its package-lock.json) running its fixed checks against server-everything at a URL, as a child process.
 */
public final class TypeScriptSdkClient {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final String PAUSED = "paused";

    private TypeScriptSdkClient() {}

    /**
     * @param outcome the JSON object of normalized check outcomes the script printed
     * @param trace   its trace: the messages it sent and received, transport errors, each check's start and end
     */
    public record Run(String outcome, String trace) {}

    /**
     * @param url the MCP endpoint (Streamable HTTP) or the SSE endpoint (HTTP+SSE)
     * @param transport {@code streamable-http} or {@code sse}
     * @return what the script printed
     */
    public static Run run(String url, String transport) {
        return run(List.of("node", "interop-client.mjs", url, transport), null);
    }

    /**
     * Cancels a long call and counts what the client then asks of the server while its session idles (the script's
     * {@code cancel} mode).
     *
     * @param url the MCP endpoint (Streamable HTTP)
     * @return what the script printed: {@code cancelled}, {@code getsWhileIdle}, {@code echoAfter}
     */
    public static Run runCancelling(String url) {
        return run(List.of("node", "interop-client.mjs", url, "streamable-http", "cancel"), null);
    }

    /**
     * Runs the checklist's restart checks: {@code before:} ones, then {@code between} while the client waits
     * with its session open, then {@code after:} ones in the same session.
     *
     * @param url the MCP endpoint (Streamable HTTP) or the SSE endpoint (HTTP+SSE)
     * @param transport {@code streamable-http} or {@code sse}
     * @param between what happens while the client waits (a server restart)
     * @return what the script printed
     */
    public static Run runAcross(String url, String transport, Runnable between) {
        return run(List.of("node", "interop-client.mjs", url, transport, "restart"), between);
    }

    private static Run run(List<String> command, Runnable between) {
        Path dir = ServerEverything.installedPackageDir();
        String url = command.get(2);
        Process node = null;
        try {
            Path out = Files.createTempFile("ts-sdk-interop", ".json");
            Path err = Files.createTempFile("ts-sdk-interop", ".log");
            // never inheritIO: the test JVM's stdin and stdout are surefire's channel to the fork
            node = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectInput(
                            between == null
                                    ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                                    : ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
            if (between != null) {
                awaitPaused(node, out, err, deadline);
                between.run();
                try (OutputStream stdin = node.getOutputStream()) {
                    stdin.write('\n');
                }
            }
            if (!node.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("the TypeScript SDK client did not finish within " + RUN_TIMEOUT
                        + " against " + url + ": " + Files.readString(err, StandardCharsets.UTF_8));
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.equals(PAUSED))
                    .toList();
            if (node.exitValue() != 0 || lines.isEmpty()) {
                throw new IllegalStateException("the TypeScript SDK client failed (exit " + node.exitValue()
                        + ") against " + url + ": " + Files.readString(err, StandardCharsets.UTF_8));
            }
            String trace = Files.readString(err, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return new Run(lines.getLast(), trace);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node (is Node.js 20+ on PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (node != null && node.isAlive()) {
                node.destroyForcibly();
            }
        }
    }

    private static void awaitPaused(Process node, Path out, Path err, long deadline)
            throws IOException, InterruptedException {
        while (!Files.readString(out, StandardCharsets.UTF_8).lines().anyMatch(PAUSED::equals)) {
            if (!node.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the TypeScript SDK client never paused: " + Files.readString(out, StandardCharsets.UTF_8)
                                + Files.readString(err, StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
    }
}
