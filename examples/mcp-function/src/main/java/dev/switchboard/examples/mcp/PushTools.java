package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Tools that change what this server offers and tell its clients through the gateway ({@link Pusher}): one adds or
 * removes the tool {@code extra_tool} ({@code notifications/tools/list_changed} to every session and listen stream),
 * the other bumps {@code test://counter} ({@code notifications/resources/updated} to the sessions subscribed to it and
 * the listen streams that asked for it); two conformance hooks only announce a change. The change is
 * this process's: a fleet of replicas would keep such state in a shared store.
 */
final class PushTools {
    static final String EXTRA_TOOL = "extra_tool";

    private PushTools() {}

    static void register(ToolRegistry tools, ResourceRegistry resources, Pusher pusher) {
        tools.add(
                        "toggle_extra_tool",
                        "Adds or removes the tool extra_tool and tells every session",
                        ToolRegistry.noArguments(),
                        call -> {
                            boolean added = !tools.remove(EXTRA_TOOL);
                            if (added) {
                                tools.add(
                                        EXTRA_TOOL,
                                        "A tool that comes and goes",
                                        ToolRegistry.noArguments(),
                                        extra -> Content.toolText("extra"));
                            }
                            return told(
                                    pusher,
                                    "notifications/tools/list_changed",
                                    null,
                                    EXTRA_TOOL + (added ? " added" : " removed"));
                        })
                .add(
                        "bump_counter",
                        "Increments test://counter and tells the sessions subscribed to it",
                        ToolRegistry.noArguments(),
                        call -> {
                            long value = resources.bump();
                            return told(
                                    pusher,
                                    "notifications/resources/updated",
                                    Json.object().put("uri", ResourceRegistry.COUNTER),
                                    "counter is " + value);
                        })
                // the conformance suite's hooks for 2026-07-28 listen streams: they announce a change (the suite
                // checks that the announcement reaches an open subscriptions/listen stream), without making one
                .add(
                        "test_trigger_tool_change",
                        "Announces a change of the tool list (conformance hook)",
                        ToolRegistry.noArguments(),
                        call -> told(pusher, "notifications/tools/list_changed", null, "tool list change announced"))
                .add(
                        "test_trigger_prompt_change",
                        "Announces a change of the prompt list (conformance hook)",
                        ToolRegistry.noArguments(),
                        call -> told(
                                pusher, "notifications/prompts/list_changed", null, "prompt list change announced"));
    }

    private static ObjectNode told(Pusher pusher, String method, ObjectNode params, String what) {
        if (!pusher.configured()) {
            return Content.toolText(what + "; nobody told (no push route configured)");
        }
        try {
            return Content.toolText(what + "; " + pusher.push(method, params) + " session(s) told");
        } catch (IOException e) {
            return Content.toolError(what + "; the push failed: " + e.getMessage());
        }
    }
}
