package dev.switchboard.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Reads a whole body of at most a bound. When the sender declared its length ({@code Content-Length}), the
 * body is read straight into an array of that size: {@link InputStream#readNBytes(int)} would allocate
 * 8 KiB chunks and copy the result out of them, on every request and every function answer (measured: a
 * sixth of the gateway's allocation on {@code /invoke}; bench/notes.md, "Issue 17: the request path").
 * The result is the same bytes either way: a body longer than declared is read on, up to the bound. Only
 * lengths up to {@link #PREALLOCATED_AT_MOST} are allocated before their bytes arrive, so that a client
 * declaring a large body and sending nothing costs no more memory than before.
 */
public final class BoundedBody {
    /** Largest declared length allocated up front; larger bodies grow as they are read. */
    static final int PREALLOCATED_AT_MOST = 64 * 1024;

    private BoundedBody() {}

    /**
     * @param in       the body
     * @param declared its declared length, when known
     * @param limit    largest body wanted: at most {@code limit + 1} bytes are read, so that the caller can
     *                 tell a body over the limit (the result is then longer than {@code limit})
     * @return the bytes read, to the end of the body or to {@code limit + 1}
     * @throws IOException when reading fails
     */
    public static byte[] read(InputStream in, OptionalLong declared, long limit) throws IOException {
        // limit + 1, as large as an array may be (and no overflow for a limit of Long.MAX_VALUE)
        int bound = limit >= Integer.MAX_VALUE - 9 ? Integer.MAX_VALUE - 8 : (int) limit + 1;
        if (declared.isEmpty()
                || declared.getAsLong() < 0
                || declared.getAsLong() >= bound
                || declared.getAsLong() > PREALLOCATED_AT_MOST) {
            return in.readNBytes(bound);
        }
        byte[] exact = new byte[(int) declared.getAsLong()];
        int n = in.readNBytes(exact, 0, exact.length);
        if (n < exact.length) {
            return Arrays.copyOf(exact, n); // shorter than declared: what came
        }
        int next = in.read();
        if (next < 0) {
            return exact;
        }
        // longer than declared (a sender that lied): on to the bound, as without a declared length
        byte[] rest = in.readNBytes(bound - exact.length - 1);
        byte[] all = Arrays.copyOf(exact, exact.length + 1 + rest.length);
        all[exact.length] = (byte) next;
        System.arraycopy(rest, 0, all, exact.length + 1, rest.length);
        return all;
    }

    /**
     * @param value a {@code Content-Length} header's value, if any
     * @return the length it declares, empty when absent or not a number
     */
    public static OptionalLong declaredLength(java.util.Optional<String> value) {
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
