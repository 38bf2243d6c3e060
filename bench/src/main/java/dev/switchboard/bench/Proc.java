package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A server process the harness starts and measures: its memory (proportional set size, summed over the
 * process and its children, so nginx's workers count and shared pages are not counted twice), its CPU
 * time, and for a JVM its live heap after a full GC.
 */
final class Proc implements AutoCloseable {
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final String name;
    private final Process process;

    private Proc(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * @param name    label for errors and the log file
     * @param command the command
     * @param env     extra environment
     * @param logs    directory for the process's output
     * @return the started process
     */
    static Proc start(String name, List<String> command, Map<String, String> env, Path logs) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        builder.environment().putAll(env);
        return new Proc(name, builder.start());
    }

    /** Starts a runnable jar with this JVM's java. */
    static Proc java(String name, Path jar, List<String> jvmOptions, Map<String, String> env, Path logs)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        return start(name, command, env, logs);
    }

    /** @return the java this JVM runs on, for the JVMs the harness starts */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * @param jvmOptions options of the new JVM
     * @param main       one of the harness's classes, with a {@code main}
     * @param args       its arguments
     * @return the command that runs it in a JVM of its own, from the harness's jar (or classes)
     */
    static List<String> harnessCommand(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(
                Path.of(main.getProtectionDomain().getCodeSource().getLocation().getPath())
                        .toString());
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** Waits until something accepts connections on the port. */
    Proc awaitPort(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " (see its log)");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(name + " did not listen on " + port + " within " + timeout);
    }

    long pid() {
        return process.pid();
    }

    /** @return proportional set size in bytes, this process plus its descendants */
    long pssBytes() {
        long total = 0;
        for (long pid : tree()) {
            total += procField("/proc/" + pid + "/smaps_rollup", "Pss:");
        }
        return total * 1024;
    }

    /**
     * CPU time of a process tree, split as the kernel accounts it.
     *
     * @param userMillis   in user space (the program, its runtime, its compiler and collector)
     * @param systemMillis in the kernel on its behalf (system calls, the network stack)
     */
    record Cpu(long userMillis, long systemMillis) {
        long totalMillis() {
            return userMillis + systemMillis;
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(userMillis - earlier.userMillis, systemMillis - earlier.systemMillis);
        }
    }

    /** @return user + system CPU time in milliseconds, this process plus its descendants */
    long cpuMillis() {
        return cpu().totalMillis();
    }

    /** @return CPU time so far, this process plus its descendants */
    Cpu cpu() {
        long user = 0;
        long system = 0;
        for (long pid : tree()) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                user += Long.parseLong(fields[11]);
                system += Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException e) {
                // the process ended meanwhile
            }
        }
        return new Cpu(user * 1000 / CLOCK_TICKS_PER_SECOND, system * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    /** @return the CPU time of every thread of this process and its descendants, to the nanosecond */
    TaskTimes taskTimes() {
        return TaskTimes.of(tree());
    }

    /**
     * Watches the tree's CPU for a window from now, to the nanosecond ({@link TaskTimes}: what idle windows are
     * measured with, where clock ticks are too coarse).
     *
     * @param window how long
     * @return CPU milliseconds per second over it
     */
    double cpuMillisPerSecond(Duration window) throws InterruptedException {
        TaskTimes before = taskTimes();
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        TaskTimes after = taskTimes();
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> exited = after.exitedSince(before);
        BenchMain.log(String.format(
                java.util.Locale.ROOT,
                "%s: CPU over %.0f s, busiest threads: %s%s",
                name,
                seconds,
                after.busiestSince(before, 6),
                exited.isEmpty()
                        ? ""
                        : "; exited in the window (their last moments not counted): " + String.join(", ", exited)));
        return after.nanosSince(before) / 1e6 / seconds;
    }

    /** @return what {@code jcmd <pid> <command...>} printed (a diagnostic: class histograms, native memory) */
    String jcmd(String... command) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of(String.valueOf(pid())));
        arguments.addAll(List.of(command));
        return JdkTool.run("jcmd", arguments.toArray(String[]::new)).text();
    }

    /** @return the live heap in bytes after a full GC (a class histogram forces one) */
    long liveHeapBytes() throws IOException, InterruptedException {
        String out = jcmd("GC.class_histogram");
        for (String line : out.split("\n")) {
            if (line.startsWith("Total")) {
                String[] parts = line.trim().split("\\s+");
                return Long.parseLong(parts[2]);
            }
        }
        throw new IllegalStateException("no class histogram from " + name + ": " + out);
    }

    private List<Long> tree() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(d -> pids.add(d.pid()));
        return pids;
    }

    private static long procField(String file, String field) {
        try (Stream<String> lines = Files.lines(Path.of(file))) {
            return lines.filter(l -> l.startsWith(field))
                    .mapToLong(l ->
                            Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]))
                    .sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** @return a TCP port free on loopback now */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.descendants().forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
