package dev.switchboard.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every command a real Redis executes, as its {@code MONITOR} reports them: for counting what the gateway
 * sends per step. Commands a Lua script runs are reported with the client {@code lua}; they are part of
 * the script's one round trip and are kept apart ({@link Command#fromScript}).
 */
public final class RedisMonitor implements AutoCloseable {
    /** One executed command: its words as MONITOR prints them, and whether a script ran it. */
    public record Command(String line, boolean fromScript) {
        /** @return the command's name, upper case */
        public String name() {
            int start = line.indexOf("] \"");
            if (start < 0) {
                return "";
            }
            int end = line.indexOf('"', start + 3);
            return line.substring(start + 3, end).toUpperCase();
        }
    }

    private final Socket socket;
    private final List<Command> seen = new ArrayList<>();
    private final Thread reader;

    private RedisMonitor(Socket socket) {
        this.socket = socket;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    /**
     * @param host a Redis host
     * @param port its port
     * @return a monitor receiving every command from now on
     */
    public static RedisMonitor start(String host, int port) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new RedisMonitor(socket);
        } catch (IOException e) {
            throw new IllegalStateException("cannot monitor Redis at " + host + ":" + port, e);
        }
    }

    private void read() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("+") && line.contains("] \"")) {
                    synchronized (seen) {
                        seen.add(new Command(line.substring(1), line.contains(" lua] ")));
                    }
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /**
     * Waits until nothing new arrived for {@code quietMillis} (bounded by {@code maxMillis}), then hands over
     * and forgets what was seen so far.
     *
     * @param quietMillis how long the stream must stay quiet
     * @param maxMillis   the longest wait
     * @param keep        the commands that count
     * @return the commands seen since the last call that {@code keep} accepts
     */
    public List<Command> drain(long quietMillis, long maxMillis, Predicate<Command> keep) {
        long deadline = System.currentTimeMillis() + maxMillis;
        int size = -1;
        while (System.currentTimeMillis() < deadline) {
            int now;
            synchronized (seen) {
                now = seen.size();
            }
            if (now == size) {
                break;
            }
            size = now;
            try {
                Thread.sleep(quietMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (seen) {
            List<Command> kept = new ArrayList<>();
            for (Command c : seen) {
                if (keep.test(c)) {
                    kept.add(c);
                }
            }
            seen.clear();
            return kept;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
