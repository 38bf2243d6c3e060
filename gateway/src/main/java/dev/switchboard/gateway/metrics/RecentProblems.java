package dev.switchboard.gateway.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last refusals and error answers of this replica, newest first, for the monitoring page: a bounded ring,
 * so a storm of refusals costs a fixed amount of memory. Holds codes and paths, never credentials or bodies.
 */
public final class RecentProblems {
    /** Problems kept. */
    public static final int CAPACITY = 50;

    private static final int MAX_WHERE = 120;

    private final Deque<Problem> ring = new ArrayDeque<>(CAPACITY);
    private final Clock clock;

    /** @param clock time source */
    public RecentProblems(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param at     when
     * @param code   the error code answered ({@code UNAUTHORIZED}, {@code RATE_LIMITED}, ...)
     * @param status the HTTP status, 0 when not known where it was counted
     * @param where  what refused: a path without its query, or the guard's name
     */
    public record Problem(Instant at, String code, int status, String where) {}

    /**
     * @param code   the error code
     * @param status the HTTP status, or 0
     * @param where  a path (its query is never kept) or the refusing guard
     */
    public void record(String code, int status, String where) {
        String place = where == null ? "" : where;
        int query = place.indexOf('?');
        if (query >= 0) {
            place = place.substring(0, query);
        }
        if (place.length() > MAX_WHERE) {
            place = place.substring(0, MAX_WHERE) + "…";
        }
        Problem problem = new Problem(clock.instant(), code, status, place);
        synchronized (ring) {
            if (ring.size() == CAPACITY) {
                ring.removeLast();
            }
            ring.addFirst(problem);
        }
    }

    /**
     * @param max how many
     * @return the newest problems, newest first
     */
    public List<Problem> newest(int max) {
        synchronized (ring) {
            List<Problem> list = new ArrayList<>(Math.min(max, ring.size()));
            for (Problem p : ring) {
                if (list.size() == max) {
                    break;
                }
                list.add(p);
            }
            return list;
        }
    }
}
