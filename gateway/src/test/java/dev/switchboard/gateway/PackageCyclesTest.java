package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packages form layers: no import runs back up (DESIGN.md section 9). Read from the
 * compiled classes' constant pools (every class, field and method type a class names is there), so it
 * sees what {@code import} lines and fully qualified names in code both add, with no library.
 */
class PackageCyclesTest {
    private static final String ROOT = "dev/switchboard/gateway/";
    /** A reference to a class of a gateway package: the package is the first segment below the root. */
    private static final Pattern REFERENCE = Pattern.compile("dev/switchboard/gateway/([a-z][a-z0-9_]*)/");

    @Test
    void noPackageCycleAmongGatewayPackages() throws IOException, URISyntaxException {
        Map<String, Map<String, String>> edges = dependencies(classesRoot());

        assertThat(edges).as("the scan reads the gateway's packages").containsKeys("admission", "auth", "http");
        assertThat(edges.get("admission")).as("the scan sees dependencies").containsKey("auth");
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : stronglyConnected(edges)) {
            if (component.size() > 1) {
                StringBuilder why = new StringBuilder(String.join(" <-> ", component)).append(':');
                for (String from : component) {
                    for (String to : component) {
                        String example = edges.getOrDefault(from, Map.of()).get(to);
                        if (example != null) {
                            why.append("\n    ")
                                    .append(from)
                                    .append(" -> ")
                                    .append(to)
                                    .append(" (")
                                    .append(example)
                                    .append(')');
                        }
                    }
                }
                cycles.add(why.toString());
            }
        }
        assertThat(cycles).as("package cycles among gateway packages").isEmpty();
    }

    @Test
    void theScanFindsACycleWhereThereIsOne() {
        Map<String, Map<String, String>> edges = new TreeMap<>();
        edges.put("a", Map.of("b", "A -> B"));
        edges.put("b", Map.of("c", "B -> C"));
        edges.put("c", Map.of("a", "C -> A"));
        edges.put("d", Map.of("a", "D -> A"));

        assertThat(stronglyConnected(edges)).contains(new TreeSet<>(List.of("a", "b", "c")), Set.of("d"));
    }

    private static Path classesRoot() throws URISyntaxException {
        return Path.of(Gateway.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }

    /** @return package to the packages it refers to, each with one example "Class -> Class" */
    private static Map<String, Map<String, String>> dependencies(Path classes) throws IOException {
        Map<String, Map<String, String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes.resolve(ROOT))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                String rest = name.substring(ROOT.length());
                String from = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : "(root)";
                Map<String, String> out = edges.computeIfAbsent(from, k -> new TreeMap<>());
                try (InputStream in = Files.newInputStream(file)) {
                    for (String text : utf8Constants(in)) {
                        Matcher m = REFERENCE.matcher(text);
                        while (m.find()) {
                            String to = m.group(1);
                            if (!to.equals(from)) {
                                out.putIfAbsent(to, simpleName(name) + " -> " + referenced(text, m.start()));
                            }
                        }
                    }
                }
            }
        }
        return edges;
    }

    private static String simpleName(String classFile) {
        return classFile
                .substring(ROOT.length(), classFile.length() - ".class".length())
                .replace('/', '.');
    }

    private static String referenced(String text, int start) {
        int end = start;
        while (end < text.length() && text.charAt(end) != ';' && text.charAt(end) != '<') {
            end++;
        }
        return text.substring(start + ROOT.length(), end).replace('/', '.');
    }

    /** The text constants of a class file (JVMS 4.4), where every class and descriptor it names appears. */
    private static List<String> utf8Constants(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        List<String> texts = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> texts.add(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // takes two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return texts;
    }

    /** Tarjan's algorithm: each set is a package cycle when it holds more than one package. */
    static List<Set<String>> stronglyConnected(Map<String, Map<String, String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> components = new ArrayList<>();
        for (String node : edges.keySet()) {
            if (!index.containsKey(node)) {
                visit(node, edges, index, low, stack, onStack, components);
            }
        }
        return components;
    }

    private static void visit(
            String node,
            Map<String, Map<String, String>> edges,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<Set<String>> components) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : edges.getOrDefault(node, Map.of()).keySet()) {
            if (!index.containsKey(next)) {
                visit(next, edges, index, low, stack, onStack, components);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            components.add(component);
        }
    }
}
