package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.auth.Identity;

/** What {@link Admission} decided about a request. */
public sealed interface Verdict permits Verdict.Admitted, Verdict.Preflight, Verdict.Refused {
    /** The answer to every CORS preflight: browsers send them without credentials. */
    Preflight PREFLIGHT = new Preflight();

    /**
     * The request may go on.
     *
     * @param identity who sent it ({@link Identity#ANONYMOUS} where nothing is needed or presented)
     */
    record Admitted(Identity identity) implements Verdict {}

    /** A CORS preflight: the route answers it with its CORS policy, no credentials are checked. */
    record Preflight() implements Verdict {}

    /**
     * The request is turned away (the refusal is already counted).
     *
     * @param refusal the answer to render
     */
    record Refused(Refusal refusal) implements Verdict {}
}
