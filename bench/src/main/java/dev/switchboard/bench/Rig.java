package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the servers a scenario measures, all on loopback and free ports: the gateway jar, the example
 * functions, a Redis, and nginx (with the nchan module for the SSE peer and a {@code proxy_pass} location
 * for the proxy peer). Everything started is stopped by {@link #close()}, or when the harness's JVM exits
 * before that (a kill, a CI time-out).
 */
final class Rig implements AutoCloseable {
    /** How long a server may take to listen: minutes on a shared machine under load (measured: over 60 s at load 29). */
    private static final Duration START = Duration.ofSeconds(180);
    /** Starts of a gateway whose picked port was taken meanwhile, before giving up. */
    private static final int PORT_ATTEMPTS = 3;

    private final Path root;
    private final Path work;
    private final List<Proc> started = new ArrayList<>();
    /**
     * Stops what is still running when the harness is ended from outside (a {@code kill}, a CI time-out): the
     * servers are processes of their own, which would otherwise outlive it and load the next run's machine.
     */
    private final Thread onExit = new Thread(this::stopAll, "bench-rig-exit");

    /** A started server and where it listens. */
    /**
     * @param streamPort a gateway's stream listener ({@code STREAM_PORT}), else -1
     */
    record Server(Proc proc, int port, int adminPort, int streamPort) {
        URI uri() {
            return URI.create("http://127.0.0.1:" + port);
        }

        URI adminUri() {
            return URI.create("http://127.0.0.1:" + adminPort);
        }
    }

    /**
     * @param root the project's root (holding gateway/, examples/)
     * @param work a scratch directory for logs and configuration
     */
    Rig(Path root, Path work) throws IOException {
        this.root = root;
        this.work = Files.createDirectories(work);
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    Path work() {
        return work;
    }

    private Path jar(String relative) {
        Path jar = root.resolve(relative);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -B -DskipTests package)");
        }
        return jar;
    }

    /** The example echo function (JDK HttpServer on virtual threads). */
    Server echo() throws IOException, InterruptedException {
        int port = Proc.freePort();
        Proc p = track(Proc.java(
                "echo-" + port,
                jar("examples/echo-function/target/echo-function.jar"),
                List.of("-Xmx256m"),
                Map.of("HOST", "127.0.0.1", "PORT", String.valueOf(port)),
                work));
        p.awaitPort(port, START);
        return new Server(p, port, -1, -1);
    }

    /**
     * A {@link FloorRelay} in front of a function, in its own JVM with the gateway's shipped settings, so that
     * its CPU is its own and it runs as the gateway runs.
     *
     * @param mode     {@code loop} or {@code thread}
     * @param upstream the function's port
     */
    Server relay(String mode, int upstream) throws IOException, InterruptedException {
        int port = Proc.freePort();
        List<String> command = Proc.harnessCommand(
                List.of("@" + jvmOptions()), FloorRelay.class, mode, String.valueOf(port), String.valueOf(upstream));
        Proc p = track(Proc.start("relay-" + mode + "-" + port, command, Map.of(), work));
        p.awaitPort(port, START);
        return new Server(p, port, -1, -1);
    }

    /** The example MCP function (stateless). */
    Server mcpFunction() throws IOException, InterruptedException {
        int port = Proc.freePort();
        Proc p = track(Proc.java(
                "mcp-function-" + port,
                jar("examples/mcp-function/target/mcp-function.jar"),
                List.of("-Xmx256m"),
                Map.of("HOST", "127.0.0.1", "PORT", String.valueOf(port)),
                work));
        p.awaitPort(port, START);
        return new Server(p, port, -1, -1);
    }

    /**
     * @param name  replica id
     * @param extra configuration beyond ports (REDIS_URL, limits, heartbeat)
     */
    Server gateway(String name, Map<String, String> extra) throws IOException, InterruptedException {
        return gateway(name, extra, true);
    }

    /**
     * A gateway without the stream listener, for rows measured on the public listener: with a stream listener the
     * public one holds only a quarter of the descriptor budget (about 4,700 connections of this machine's 20,000
     * descriptors), too few for 10,000 streams; without it, the whole budget.
     *
     * @param name  replica id
     * @param extra configuration beyond ports (REDIS_URL, limits, heartbeat)
     */
    Server publicListenerGateway(String name, Map<String, String> extra) throws IOException, InterruptedException {
        return gateway(name, extra, false);
    }

    private Server gateway(String name, Map<String, String> extra, boolean streamListener)
            throws IOException, InterruptedException {
        // a port picked free can be taken before the gateway binds it (another process's outgoing connection
        // draws from the same range): the gateway then exits saying so, and is started again on new ports
        for (int attempt = 1; ; attempt++) {
            try {
                return gatewayOnFreePorts(name, extra, streamListener);
            } catch (IllegalStateException e) {
                if (attempt == PORT_ATTEMPTS || !output(name).contains("switchboard: cannot listen on")) {
                    throw e;
                }
                BenchMain.log(name + ": a port was taken before it bound; starting it again on others");
            }
        }
    }

    /** @return what a process the rig started has printed so far */
    private String output(String name) throws IOException {
        Path file = work.resolve(name + ".log");
        return Files.isRegularFile(file) ? Files.readString(file) : "";
    }

    private Server gatewayOnFreePorts(String name, Map<String, String> extra, boolean streamListener)
            throws IOException, InterruptedException {
        int port = Proc.freePort();
        int admin = Proc.freePort();
        Map<String, String> env = new HashMap<>(extra);
        env.put("HOST", "127.0.0.1");
        env.put("PORT", String.valueOf(port));
        env.put("ADMIN_HOST", "127.0.0.1");
        env.put("ADMIN_PORT", String.valueOf(admin));
        env.put("REPLICA_ID", name);
        int streams = -1;
        if (streamListener) {
            streams = Proc.freePort();
            env.put("STREAM_PORT", String.valueOf(streams));
        }
        env.putIfAbsent("FUNCTION_ALLOWED_NETWORKS", "127.0.0.0/8");
        // a diagnostic run's extra JVM options (native memory tracking), beside the shipped ones
        String options = System.getProperty("bench.gatewayOptions");
        if (options != null) {
            env.put("JDK_JAVA_OPTIONS", options);
        }
        // exactly the JVM settings the image, the chart and the operator ship: the one file they all read
        Proc p = track(
                Proc.java(name, jar("gateway/target/switchboard-gateway.jar"), List.of("@" + jvmOptions()), env, work));
        p.awaitPort(admin, START);
        Server server = new Server(p, port, admin, streams);
        awaitReady(server);
        return server;
    }

    /** @return the gateway's shipped JVM settings, {@code gateway/jvm.options} (a java {@code @}-file) */
    Path jvmOptions() {
        Path file = root.resolve(JVM_OPTIONS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: the gateway's JVM settings are read from it");
        }
        return file;
    }

    /** Where the gateway's JVM settings live, relative to the project's root. */
    static final String JVM_OPTIONS = "gateway/jvm.options";

    /** @return whether nginx with the nchan module is installed */
    boolean nginxAvailable() {
        return (onPath("nginx").isPresent() || Files.isExecutable(Path.of("/usr/sbin/nginx")))
                && Files.exists(Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so"));
    }

    private static void awaitReady(Server gateway) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        try (Http1 http = new Http1(gateway.adminUri())) {
            while (System.nanoTime() < deadline) {
                try {
                    if (http.send("GET", "/health/ready", Map.of(), null).status() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not yet
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("gateway not ready within " + START);
    }

    /** Registers a function with a gateway's admin API. */
    static void register(Server gateway, String json) throws IOException {
        try (Http1 http = new Http1(gateway.adminUri())) {
            Http1.Answer a = http.send(
                    "POST",
                    "/admin/functions",
                    Map.of("Content-Type", "application/json"),
                    json.getBytes(StandardCharsets.UTF_8));
            if (a.status() != 201) {
                throw new IllegalStateException("registration refused: " + a.status() + " " + a.text());
            }
        }
    }

    /** Registers the example functions the scenarios call: {@code echo} (HTTP) and {@code tools} (MCP). */
    static void registerExamples(Server gateway, Server echo, Server mcp) throws IOException {
        register(gateway, "{\"name\":\"echo\",\"endpoint\":\"http://127.0.0.1:" + echo.port() + "/\"}");
        register(
                gateway,
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"http://127.0.0.1:" + mcp.port() + "/mcp\"}");
    }

    /** A Redis that keeps nothing on disk, or empty when redis-server is not installed. */
    Optional<Server> redis() throws IOException, InterruptedException {
        return redis(Proc.freePort());
    }

    /** A Redis on a given port: how a soak restarts it where the gateways expect it. */
    Optional<Server> redis(int port) throws IOException, InterruptedException {
        Optional<Path> binary = onPath("redis-server");
        if (binary.isEmpty()) {
            return Optional.empty();
        }
        Proc p = track(Proc.start(
                "redis-" + port + "-" + System.nanoTime(),
                List.of(
                        binary.get().toString(),
                        "--port",
                        String.valueOf(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--protected-mode",
                        "no"),
                Map.of(),
                work));
        p.awaitPort(port, START);
        return Optional.of(new Server(p, port, -1, -1));
    }

    /**
     * nginx with nchan: {@code /sub?id=} is an EventSource subscriber pinging every {@code pingSeconds} with
     * an event named {@code heartbeat}, {@code /pub?id=} publishes, anything else is proxied to
     * {@code upstreamPort} over keep-alive connections. Empty when nginx or the nchan module is missing.
     */
    Optional<Server> nginx(int upstreamPort, int pingSeconds, int maxConnections)
            throws IOException, InterruptedException {
        return nginx(upstreamPort, pingSeconds, maxConnections, 1);
    }

    /**
     * As {@link #nginx(int, int, int)} with several workers, each holding its share of the connections: the
     * kernel spreads accepted connections over them ({@code reuseport}).
     */
    Optional<Server> nginx(int upstreamPort, int pingSeconds, int maxConnections, int workers)
            throws IOException, InterruptedException {
        Optional<Path> binary =
                onPath("nginx").or(() -> Optional.of(Path.of("/usr/sbin/nginx")).filter(Files::isExecutable));
        Path module = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");
        if (binary.isEmpty() || !Files.exists(module)) {
            return Optional.empty();
        }
        int port = Proc.freePort();
        Path dir = Files.createDirectories(work.resolve("nginx-" + port));
        Files.createDirectories(dir.resolve("tmp"));
        String conf = """
                load_module %s;
                worker_processes %d;
                worker_rlimit_nofile %d;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections %d; }
                http {
                  access_log off;
                  client_body_temp_path %s/tmp/body;
                  proxy_temp_path %s/tmp/proxy;
                  fastcgi_temp_path %s/tmp/fastcgi;
                  uwsgi_temp_path %s/tmp/uwsgi;
                  scgi_temp_path %s/tmp/scgi;
                  upstream function { server 127.0.0.1:%d; keepalive 128; }
                  server {
                    listen 127.0.0.1:%d backlog=4096%s;
                    location = /sub {
                      nchan_subscriber eventsource;
                      nchan_channel_id $arg_id;
                      nchan_eventsource_ping_interval %d;
                      nchan_eventsource_ping_event heartbeat;
                      nchan_subscriber_timeout 0;
                    }
                    location = /pub {
                      nchan_publisher;
                      nchan_channel_id $arg_id;
                      nchan_message_buffer_length 100;
                    }
                    location / {
                      proxy_pass http://function;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                    }
                  }
                }
                """.formatted(
                        module,
                        workers,
                        Math.min(20_000, maxConnections / workers + 1000),
                        dir,
                        dir,
                        // nchan takes more than one connection slot per subscriber
                        2 * (maxConnections / workers) + 1000,
                        dir,
                        dir,
                        dir,
                        dir,
                        dir,
                        upstreamPort,
                        port,
                        workers > 1 ? " reuseport" : "",
                        pingSeconds);
        Path file = Files.writeString(dir.resolve("nginx.conf"), conf);
        Proc p = track(Proc.start(
                "nginx-" + port,
                List.of(binary.get().toString(), "-p", dir.toString(), "-c", file.toString()),
                Map.of(),
                work));
        p.awaitPort(port, START);
        return Optional.of(new Server(p, port, -1, -1));
    }

    private synchronized Proc track(Proc p) {
        started.add(p);
        return p;
    }

    /** Stops one server early (a scenario done with it). */
    synchronized void stop(Server server) {
        server.proc().close();
        started.remove(server.proc());
    }

    static Optional<Path> onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs, and finds nothing left to stop
        }
    }

    private synchronized void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
    }
}
