package dev.switchboard.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real Redis for tests, obtained in this order: the server named by {@code REDIS_URL}; else
 * {@code redis-server} from {@code PATH}, started on a free port; else the binary shipped by
 * {@code com.github.codemonstur:embedded-redis}. Servers this class starts keep nothing on disk and
 * may be stopped and restarted on the same port, to test outages.
 */
public final class TestRedis implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static TestRedis shared;

    private final String host;
    private final int port;
    private final int database;
    private final String password;
    private final Launcher launcher;

    private TestRedis(String host, int port, int database, String password, Launcher launcher) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.password = password;
        this.launcher = launcher;
    }

    /**
     * The Redis shared by all tests of this JVM, started on first use and stopped at exit.
     *
     * @return the shared Redis
     */
    public static synchronized TestRedis shared() {
        if (shared == null) {
            shared = obtain();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-redis-stop"));
        }
        return shared;
    }

    /**
     * A Redis of its own (never the one of {@code REDIS_URL}), for tests that stop and restart it.
     *
     * @return a newly started Redis; close it when done
     */
    public static TestRedis startPrivate() {
        Launcher launcher = Launcher.pick();
        TestRedis redis = new TestRedis("127.0.0.1", freePort(), 0, null, launcher);
        redis.start();
        return redis;
    }

    private static TestRedis obtain() {
        String url = System.getenv("REDIS_URL");
        if (url != null && !url.isBlank()) {
            URI uri = URI.create(url);
            int db = uri.getPath() == null || uri.getPath().length() <= 1
                    ? 0
                    : Integer.parseInt(uri.getPath().substring(1));
            String password = null;
            if (uri.getUserInfo() != null) {
                String info = uri.getUserInfo();
                password = info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
            }
            TestRedis external =
                    new TestRedis(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), db, password, null);
            external.awaitPing();
            return external;
        }
        return startPrivate();
    }

    /** @return a Lettuce URL for this server */
    public String url() {
        String auth = password == null ? "" : ":" + password + "@";
        return "redis://" + auth + host + ":" + port + "/" + database;
    }

    /** @return host:port */
    public String address() {
        return host + ":" + port;
    }

    /** @return the host */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return how this server was obtained, for test logs */
    public String origin() {
        return launcher == null ? "REDIS_URL" : launcher.describe();
    }

    /** Deletes every key of the test database. */
    public void flush() {
        command("FLUSHDB");
    }

    /**
     * Sends one inline command and returns the first reply line (enough for tests' housekeeping); for a bulk
     * string reply (such as GET's) the value's first line instead, or {@code null} for a nil reply.
     *
     * @param words the command and its arguments (no spaces inside a word)
     * @return the reply's first line, a bulk reply's value, or {@code null}
     */
    public String command(String... words) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder();
            if (password != null) {
                request.append("AUTH ").append(password).append("\r\n");
            }
            request.append("SELECT ").append(database).append("\r\n");
            request.append(String.join(" ", words)).append("\r\n");
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            int skip = password == null ? 1 : 2;
            String line = null;
            for (int i = 0; i <= skip; i++) {
                line = readLine(in);
            }
            if (line.startsWith("$")) {
                return line.equals("$-1") ? null : readLine(in);
            }
            return line;
        } catch (IOException e) {
            throw new IllegalStateException("Redis at " + address() + " did not answer: " + e.getMessage(), e);
        }
    }

    /** @return whether the server answers PING now */
    public boolean isUp() {
        try {
            return "+PONG".equals(command("PING"));
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Stops a server this class started (simulates an outage); the port stays reserved for {@link #start()}. */
    public void stop() {
        if (launcher == null) {
            throw new IllegalStateException("cannot stop the Redis of REDIS_URL");
        }
        launcher.stop();
    }

    /** Starts (or restarts) a server this class launched, on the same port. */
    public void start() {
        launcher.start(port);
        awaitPing();
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (isUp()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(
                "Redis at " + address() + " (" + origin() + ") did not answer PING within " + START_TIMEOUT);
    }

    @Override
    public void close() {
        if (launcher != null) {
            launcher.stop();
        }
    }

    /** @return a TCP port free on the loopback interface now */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /**
     * @param binary an executable's name
     * @return its path when it is on {@code PATH}
     */
    static Optional<Path> onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** Starts and stops one kind of Redis binary. */
    private abstract static class Launcher {
        abstract void start(int port);

        abstract void stop();

        abstract String describe();

        static Launcher pick() {
            Optional<Path> onPath = onPath("redis-server");
            if (onPath.isPresent()) {
                return new ProcessLauncher(onPath.get());
            }
            return new EmbeddedLauncher();
        }
    }

    /** {@code redis-server} from PATH, persistence off, bound to loopback. */
    private static final class ProcessLauncher extends Launcher {
        private final Path binary;
        private Process process;

        ProcessLauncher(Path binary) {
            this.binary = binary;
        }

        @Override
        synchronized void start(int port) {
            if (process != null && process.isAlive()) {
                return;
            }
            List<String> command = new ArrayList<>(List.of(
                    binary.toString(),
                    "--port",
                    String.valueOf(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--protected-mode",
                    "no",
                    "--daemonize",
                    "no",
                    "--loglevel",
                    "warning"));
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
            }
        }

        @Override
        synchronized void stop() {
            if (process != null) {
                process.destroyForcibly();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process = null;
            }
        }

        @Override
        String describe() {
            return binary.toString();
        }
    }

    /** The Redis binary bundled in the embedded-redis artifact. */
    private static final class EmbeddedLauncher extends Launcher {
        private redis.embedded.RedisServer server;

        @Override
        synchronized void start(int port) {
            try {
                server = redis.embedded.RedisServer.newRedisServer()
                        .port(port)
                        .bind("127.0.0.1")
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .build();
                server.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded Redis: " + e.getMessage(), e);
            }
        }

        @Override
        synchronized void stop() {
            if (server != null) {
                try {
                    server.stop();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                server = null;
            }
        }

        @Override
        String describe() {
            return "embedded-redis";
        }
    }
}
