package dev.switchboard.gateway.invoke;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of function answers this replica holds at once ({@code MAX_RESPONSE_BYTES_IN_FLIGHT}), shared by
 * {@code /invoke} and {@code /mcp}. {@code MAX_INFLIGHT_INVOCATIONS} answers of {@code MAX_RESPONSE_SIZE}
 * each could ask for more than the heap; with this budget a call whose answer does not fit fails with a
 * documented error instead of taking the replica down. A call reserves its answer's bytes as they are read
 * and returns them when it is done with the answer.
 */
public final class ResponseBudget {
    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    /** @param capacity bytes of answers held at once */
    public ResponseBudget(long capacity) {
        this.capacity = capacity;
    }

    /** @return a reservation holding nothing yet; close it when the call is done with its answer */
    public Reservation open() {
        return new Reservation();
    }

    /** @return whether nothing is left: a new call would fail at its answer's first byte */
    public boolean exhausted() {
        return used.get() >= capacity;
    }

    /** @return bytes reserved now */
    public long used() {
        return used.get();
    }

    /** @return bytes that may be reserved at once */
    public long capacity() {
        return capacity;
    }

    private boolean take(long bytes) {
        while (true) {
            long current = used.get();
            if (current + bytes > capacity) {
                return false;
            }
            if (used.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /**
     * One call's share of the budget. Its answer may be read on another thread than the one that closes it:
     * once closed it reserves nothing more, so an abandoned reader cannot leak bytes.
     */
    public final class Reservation implements AutoCloseable {
        private long held;
        private long reservedSoFar;
        private boolean closed;

        private Reservation() {}

        /**
         * @param bytes bytes about to be held
         * @throws Exhausted when they do not fit in what is left of the budget, or the call is over
         */
        public synchronized void reserve(long bytes) throws Exhausted {
            boolean alone = held + bytes > capacity;
            if (closed || !take(bytes)) {
                // the call fails and its partial answer is dropped: give its bytes back now, not when the call is
                // closed later, so that of many large answers read at once the others can still complete instead
                // of all failing on each other's partial holds
                releaseAll();
                throw new Exhausted(capacity, alone && !closed);
            }
            held += bytes;
            reservedSoFar += bytes;
        }

        /** @param bytes bytes no longer held (at most what is reserved) */
        public synchronized void release(long bytes) {
            long returned = Math.min(bytes, held);
            held -= returned;
            used.addAndGet(-returned);
        }

        /** Returns everything held, keeping the reservation open (an answer dropped before a retry). */
        public synchronized void releaseAll() {
            release(held);
        }

        /** @return bytes this call has reserved since it was opened, released ones included */
        public synchronized long reservedSoFar() {
            return reservedSoFar;
        }

        /** @return bytes held by this call */
        public synchronized long held() {
            return held;
        }

        /**
         * @param in a function's answer
         * @return the same bytes, each reserved as it is read; a read that does not fit throws {@link Exhausted}
         */
        public InputStream meter(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        reserve(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        reserve(n);
                    }
                    return n;
                }
            };
        }

        @Override
        public synchronized void close() {
            closed = true;
            releaseAll();
        }
    }

    /** A function answer did not fit in what was left of the budget. */
    public static final class Exhausted extends IOException {
        private static final long serialVersionUID = 1L;

        /** Whether the answer alone is larger than the whole budget: no retry can make it fit. */
        private final boolean alone;

        Exhausted(long capacity, boolean alone) {
            super("function answers in flight on this replica would exceed " + capacity
                    + " bytes (MAX_RESPONSE_BYTES_IN_FLIGHT); retry later");
            this.alone = alone;
        }

        /**
         * @return whether the answer alone is larger than the budget: since {@code MAX_RESPONSE_SIZE} is at most the
         *     budget, it is over that limit, which the caller reports as it does any answer over it
         */
        public boolean alone() {
            return alone;
        }
    }
}
