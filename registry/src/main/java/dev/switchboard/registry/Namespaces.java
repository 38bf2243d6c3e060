package dev.switchboard.registry;

import java.util.regex.Pattern;

/**
 * Registrations live in namespaces: a Kubernetes namespace for those the operator writes (so that two teams'
 * {@code search} functions on one Redis never meet), and the default namespace for those made through the admin
 * API of a gateway that names none (the original, unnamespaced form). A gateway serves one namespace.
 */
public final class Namespaces {
    /** The default namespace: the registrations of a gateway started without a namespace. */
    public static final String DEFAULT = "";
    /** Kubernetes' rule for a namespace name (RFC 1123 label). */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private Namespaces() {}

    /**
     * @param namespace a namespace
     * @return whether it is the default one
     */
    public static boolean isDefault(String namespace) {
        return namespace == null || namespace.isEmpty();
    }

    /**
     * @param namespace a candidate
     * @return whether it names a namespace (the default one aside)
     */
    public static boolean isValid(String namespace) {
        return namespace != null && LABEL.matcher(namespace).matches();
    }

    /**
     * @param namespace a namespace from configuration, or null/blank for the default one
     * @return it, normalized ({@link #DEFAULT} for blank)
     * @throws IllegalArgumentException when it is not a DNS label
     */
    public static String of(String namespace) {
        if (namespace == null || namespace.isBlank()) {
            return DEFAULT;
        }
        if (!isValid(namespace)) {
            throw new IllegalArgumentException("'" + namespace + "' is not a namespace name (lower-case letters, "
                    + "digits and '-', at most 63, starting and ending with a letter or digit)");
        }
        return namespace;
    }

    /**
     * @param namespace a namespace
     * @param name      a function name
     * @return how people and logs see the function: {@code namespace/name}, or the bare name in the default one
     */
    public static String qualified(String namespace, String name) {
        return isDefault(namespace) ? name : namespace + "/" + name;
    }
}
