package dev.switchboard.registry.settings;

/**
 * A setting's value is not valid. The message is one line that starts with the key, so the gateway can print it
 * and stop instead of showing a stack trace.
 */
public final class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;

    /**
     * @param key    the setting
     * @param reason what is wrong, and what is allowed
     */
    public SettingException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
    }

    /** @return the setting whose value is wrong */
    public String key() {
        return key;
    }
}
