package dev.switchboard.gateway.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * An unbounded queue for many producers and one consumer: what a stream's events and an event loop's woken
 * connections are (any thread offers, one writer takes). An add is one atomic exchange and a store, a poll two
 * reads and a store; {@link java.util.concurrent.ConcurrentLinkedQueue}, which allows many consumers, costs a
 * compare-and-set on each side and was the largest cost of a fan-out after the socket writes (JFR, bench/notes.md).
 *
 * <p>An add that has swapped the tail but not yet linked its node is not seen by a poll that runs in between:
 * the queue then looks empty. Producers wake the consumer after their add returns, so the consumer polls again.
 *
 * @param <T> element type
 */
public final class MpscQueue<T> {
    private static final VarHandle TAIL;
    private static final VarHandle NEXT;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(MpscQueue.class, "tail", Node.class);
            NEXT = MethodHandles.lookup().findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Node<T> {
        T value;
        volatile Node<T> next;

        Node(T value) {
            this.value = value;
        }
    }

    /** The consumer's: the node before the first element (its value already taken). */
    private Node<T> head;

    @SuppressWarnings("unused") // through TAIL
    private volatile Node<T> tail;

    /** An empty queue. */
    public MpscQueue() {
        Node<T> stub = new Node<>(null);
        head = stub;
        tail = stub;
    }

    /**
     * Adds an element; any thread.
     *
     * @param value the element, not null
     */
    @SuppressWarnings("unchecked")
    public void add(T value) {
        Node<T> node = new Node<>(Objects.requireNonNull(value));
        Node<T> previous = (Node<T>) TAIL.getAndSet(this, node);
        previous.next = node;
    }

    /**
     * @return whether the queue is (or looks) empty; the consumer's thread only
     */
    public boolean isEmpty() {
        return head.next == null;
    }

    /**
     * @return the oldest element without taking it, or null when the queue is (or looks) empty; the consumer's
     *         thread only
     */
    public T peek() {
        Node<T> next = head.next;
        return next == null ? null : next.value;
    }

    /**
     * Takes the oldest element; the consumer's thread only.
     *
     * @return it, or null when the queue is (or looks) empty
     */
    public T poll() {
        Node<T> next = head.next;
        if (next == null) {
            return null;
        }
        T value = next.value;
        next.value = null;
        // the old head is garbage now, but if a collection had moved it to the old generation, its link would
        // keep every later node alive through young collections, each promoting the next: under a fan-out to
        // 10,000 streams that promoted ~6 MB/s and made each young pause copy it (GC log, bench/notes.md). No
        // producer writes this link again: only the tail's is written, and the old head is no longer the tail.
        NEXT.setRelease(head, (Node<T>) null);
        head = next;
        return value;
    }
}
