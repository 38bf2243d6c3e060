package dev.switchboard.operator.chart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates the CRDs' {@code x-kubernetes-validations} rules with the CEL reference implementation for Java
 * ({@code dev.cel:cel}), as the API server does: {@code self} is the value the rule is attached to, objects are
 * maps and arrays lists. The checker treats {@code self} as dynamic (the API server types it from the schema),
 * so a rule that does not compile or does not yield a boolean is reported as a violation of its own.
 */
final class CelRules {
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .addVar("self", SimpleType.DYN)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

    private CelRules() {}

    /**
     * @param rule the rule's expression
     * @param self the value it is attached to
     * @return null when the rule holds; else why not ("false", or the compile or evaluation error)
     */
    static String check(String rule, JsonNode self) {
        try {
            Object result = program(rule).eval(Map.of("self", value(self)));
            if (result instanceof Boolean b) {
                return b ? null : "false";
            }
            return "not a boolean: " + result;
        } catch (CelEvaluationException e) {
            return "evaluation failed: " + e.getMessage();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static CelRuntime.Program program(String rule) {
        return PROGRAMS.computeIfAbsent(rule, r -> {
            try {
                CelAbstractSyntaxTree ast = COMPILER.compile(r).getAst();
                return RUNTIME.createProgram(ast);
            } catch (CelValidationException | CelEvaluationException e) {
                throw new IllegalArgumentException("rule does not compile: " + e.getMessage(), e);
            }
        });
    }

    /** JSON as CEL sees it: maps, lists, strings, int (64-bit), double, bool; a null field is absent. */
    static Object value(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    map.put(e.getKey(), value(e.getValue()));
                }
            });
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(e -> list.add(value(e)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }
}
