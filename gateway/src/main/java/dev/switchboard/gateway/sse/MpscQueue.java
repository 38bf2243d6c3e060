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

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(MpscQueue.class, "tail", Node.class);
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
        head = next;
        return value;
    }
}
