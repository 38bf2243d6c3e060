package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time of every thread of a process tree, to the nanosecond, from each thread's scheduler statistics
 * ({@code /proc/<pid>/task/<tid>/schedstat}, its first field). {@code /proc/<pid>/stat} counts in clock ticks of
 * 10 ms: over a 30 s window of a server idling at 5 ms/s that is 15 ticks, so one tick either side of a reading moved
 * a heartbeat ratio by 7% and two readings of each server could swing a same-run ratio by a quarter.
 *
 * <p>A thread that exits between two readings takes its time since the first with it ({@link #exitedSince} names
 * them): a window's figure leaves out at most those threads' last moments, which for an idle server are their exits.
 *
 * @param byTask CPU nanoseconds so far of each thread, by thread id
 * @param names  each thread's name as the kernel keeps it ({@code comm}: its first 15 characters)
 */
record TaskTimes(Map<Long, Long> byTask, Map<Long, String> names) {
    /**
     * @param pids a process and its descendants
     * @return their threads' CPU times now
     */
    static TaskTimes of(List<Long> pids) {
        Map<Long, Long> byTask = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (long pid : pids) {
            try (DirectoryStream<Path> tasks =
                    Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
                for (Path task : tasks) {
                    Long nanos = runNanos(task);
                    if (nanos != null) {
                        long tid = Long.parseLong(task.getFileName().toString());
                        byTask.put(tid, nanos);
                        names.put(tid, name(task));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended meanwhile
            }
        }
        return new TaskTimes(Map.copyOf(byTask), Map.copyOf(names));
    }

    private static String name(Path task) {
        try {
            return Files.readString(task.resolve("comm")).trim();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static Long runNanos(Path task) {
        try {
            String schedstat = Files.readString(task.resolve("schedstat")).trim();
            int space = schedstat.indexOf(' ');
            return Long.parseLong(space < 0 ? schedstat : schedstat.substring(0, space));
        } catch (IOException | RuntimeException e) {
            return null; // the thread ended meanwhile
        }
    }

    /**
     * @param earlier a reading of the same tree before this one
     * @return CPU nanoseconds its threads spent between the two readings (a thread started since counts whole)
     */
    long nanosSince(TaskTimes earlier) {
        long total = 0;
        for (Map.Entry<Long, Long> task : byTask.entrySet()) {
            total += task.getValue() - earlier.byTask.getOrDefault(task.getKey(), 0L);
        }
        return total;
    }

    /**
     * Where a window's CPU went: what tells a server's steady work (its event loop) from what a JVM still does a
     * while after a burst (its compilers working through their queue).
     *
     * @param earlier a reading of the same tree before this one
     * @param most    how many names to give
     * @return the thread names (threads of one name together) that spent the most between the two readings, with
     *     their milliseconds, most first, as {@code name 1.23 ms, ...}
     */
    String busiestSince(TaskTimes earlier, int most) {
        Map<String, Long> byName = new HashMap<>();
        byTask.forEach((tid, nanos) ->
                byName.merge(names.getOrDefault(tid, "?"), nanos - earlier.byTask.getOrDefault(tid, 0L), Long::sum));
        return byName.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(most)
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.2f ms", e.getKey(), e.getValue() / 1e6))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * @param earlier a reading of the same tree before this one
     * @return the names of the threads it had that are gone now, sorted: their time between the readings is not in
     *     {@link #nanosSince}
     */
    List<String> exitedSince(TaskTimes earlier) {
        return earlier.byTask.keySet().stream()
                .filter(t -> !byTask.containsKey(t))
                .map(t -> earlier.names.getOrDefault(t, "?"))
                .sorted()
                .toList();
    }
}
