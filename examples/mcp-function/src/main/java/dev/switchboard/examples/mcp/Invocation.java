package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A call of one tool or prompt: its request, its arguments (never null), and the MRTR exchange it may use.
 */
record Invocation(RequestContext ctx, String name, ObjectNode arguments, Interaction interaction) {

    String argument(String argument) {
        return Json.text(arguments, argument, null);
    }
}
