package dev.switchboard.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real, stateful {@code @modelcontextprotocol/server-everything} (streamableHttp or sse mode, the version
 * pinned in {@code testing/mcp-servers/package-lock.json}) as a child process on a loopback port. Its
 * packages are installed with {@code npm ci} the first time a test needs them. Its output lines are kept,
 * so a test can see which sessions it opened and ended.
 */
public final class ServerEverything implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final String mode;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;

    private ServerEverything(Path dir, int port, String mode) {
        this.dir = dir;
        this.port = port;
        this.mode = mode;
    }

    /**
     * Installs the server when missing and starts it on a free port.
     *
     * @return the running server
     */
    public static ServerEverything start() {
        return start("streamableHttp");
    }

    /**
     * Installs the server when missing and starts it on a free port.
     *
     * @param mode {@code streamableHttp}, or {@code sse} for the HTTP+SSE (2024-11-05) transport
     * @return the running server
     */
    public static ServerEverything start(String mode) {
        Path dir = installedPackageDir();
        ServerEverything server = new ServerEverything(dir, freePort(), mode);
        server.startProcess();
        return server;
    }

    /** @return the MCP endpoint (streamableHttp) or the SSE endpoint (sse) */
    public String url() {
        return "http://127.0.0.1:" + port + (mode.equals("sse") ? "/sse" : "/mcp");
    }

    /** @return what the server printed so far */
    public List<String> output() {
        return List.copyOf(output);
    }

    /** Kills the server (its sessions are lost) and starts it again on the same port. */
    public void restart() {
        stopProcess();
        startProcess();
    }

    private void startProcess() {
        ProcessBuilder builder = new ProcessBuilder(
                        "node",
                        "--require",
                        "./loopback.cjs",
                        "node_modules/@modelcontextprotocol/server-everything/dist/index.js",
                        mode)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().put("PORT", Integer.toString(port));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start node (is Node.js 20+ on PATH?)", e);
        }
        Process started = process;
        // a platform thread: it blocks in a native pipe read for the process's lifetime, which would hold one
        // of the few virtual-thread carriers (two on a two-core machine) the gateways under test need
        Thread.ofPlatform().daemon().name("server-everything-output-" + port).start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        // Express calls its listen callback even when listening failed: trust a connection, not the line
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    stopProcess();
                    throw new IllegalStateException("server-everything did not start on port " + port + ": " + output);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return {@code testing/mcp-servers} with its packages installed (the server and the TypeScript SDK client)
     */
    public static Path installedPackageDir() {
        Path dir = packageDir();
        install(dir);
        return dir;
    }

    /** {@code testing/mcp-servers}, found from the module's working directory upwards. */
    private static Path packageDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("testing/mcp-servers");
            if (Files.exists(candidate.resolve("package-lock.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "testing/mcp-servers not found above " + Path.of("").toAbsolutePath());
    }

    private static synchronized void install(Path dir) {
        if (Files.exists(dir.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js"))
                && Files.exists(dir.resolve("node_modules/@modelcontextprotocol/sdk/package.json"))) {
            return;
        }
        try {
            // never the test JVM's own stdin and stdout: they are surefire's channel to the fork, and node sets
            // an inherited stdin non-blocking ("std/in stream corrupted")
            Path log = dir.resolve("npm-ci.log");
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci in " + dir + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run npm (is Node.js on PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stopProcess();
    }
}
