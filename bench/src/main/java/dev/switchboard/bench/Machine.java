package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A description of the machine and the software versions, for the report. */
final class Machine {
    private Machine() {}

    static String describe() {
        String cpu = firstMatch("/proc/cpuinfo", "model name").orElse("unknown CPU");
        long memKb = firstMatch("/proc/meminfo", "MemTotal")
                .map(v -> Long.parseLong(v.replaceAll("\\D", "")))
                .orElse(0L);
        return "%s, %d cores, %d GiB RAM, Linux %s; JDK %s; %s; %s"
                .formatted(
                        cpu,
                        Runtime.getRuntime().availableProcessors(),
                        Math.round(memKb / 1024.0 / 1024.0),
                        System.getProperty("os.version"),
                        System.getProperty("java.runtime.version"),
                        version(List.of("nginx", "-v")).orElse("nginx not installed"),
                        version(List.of("redis-server", "--version")).orElse("redis-server not installed"));
    }

    private static java.util.Optional<String> firstMatch(String file, String key) {
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static java.util.Optional<String> version(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out.isEmpty()
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(out.lines().findFirst().orElse(out));
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }
}
