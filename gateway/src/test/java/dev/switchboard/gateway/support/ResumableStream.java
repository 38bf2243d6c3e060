package dev.switchboard.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A function's standalone MCP stream that can be resumed, as a server with an event store offers it: each
 * message gets the next id ({@code 1}, {@code 2}, ...), is kept, and is written when the stream is open; a GET
 * with {@code Last-Event-ID} first replays what was kept after that id. Serve it from {@link
 * McpFunctionStub#serveStreamsWith}. One stream at a time, held open until cut (at most a minute).
 */
public final class ResumableStream implements HttpHandler {
    private final List<String> kept = new ArrayList<>();
    private final List<String> resumedFrom = new CopyOnWriteArrayList<>();
    private OutputStream open;
    private CountDownLatch ended;
    private boolean forgetful;

    /** @return each GET's {@code Last-Event-ID}, in order ({@code ""} for a GET without one) */
    public List<String> resumedFrom() {
        return resumedFrom;
    }

    /** @return whether a GET's stream is open now */
    public synchronized boolean isOpen() {
        return open != null;
    }

    /**
     * Sends a message on the stream (when it is open) and keeps it for a resume.
     *
     * @param json the message
     */
    public synchronized void send(String json) {
        kept.add(json);
        if (open != null) {
            try {
                write(open, kept.size(), json);
            } catch (IOException e) {
                end();
            }
        }
    }

    /**
     * Ends the open stream and, before anything can reopen it, keeps messages for it that only a resume
     * delivers (what a server says while its stream is down).
     *
     * @param whileDown the messages
     */
    public synchronized void cut(String... whileDown) {
        end();
        kept.addAll(List.of(whileDown));
    }

    /** From now on, a GET naming an id is refused with 400, as by a server whose store lost its events. */
    public synchronized void forgetEvents() {
        forgetful = true;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String from = ex.getRequestHeaders().getFirst("Last-Event-ID");
        resumedFrom.add(from == null ? "" : from);
        CountDownLatch done;
        synchronized (this) {
            if (from != null && forgetful) {
                ex.sendResponseHeaders(400, -1);
                ex.close();
                return;
            }
            end();
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (int id = from == null ? kept.size() + 1 : Integer.parseInt(from) + 1; id <= kept.size(); id++) {
                write(out, id, kept.get(id - 1));
            }
            out.flush();
            open = out;
            done = new CountDownLatch(1);
            ended = done;
        }
        try {
            done.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (ended == done) {
                end();
            }
        }
        ex.close();
    }

    private void end() {
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // the gateway went away first: nothing to end
            }
            open = null;
            ended.countDown();
        }
    }

    private static void write(OutputStream out, int id, String json) throws IOException {
        out.write(("id: " + id + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
