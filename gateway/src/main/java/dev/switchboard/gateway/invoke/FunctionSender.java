package dev.switchboard.gateway.invoke;

/**
 * Sends one request to a function and returns the answer's head: the gateway's {@link FunctionEngine}, or a
 * stand-in where a unit test needs a function without a socket.
 */
@FunctionalInterface
public interface FunctionSender {
    /**
     * @param request what to send
     * @return the function's answer; the caller reads the body as a stream and closes it
     * @throws RuntimeException when the call cannot be made (refused egress, unreachable, timed-out read)
     */
    FunctionResponse send(FunctionRequest request);
}
