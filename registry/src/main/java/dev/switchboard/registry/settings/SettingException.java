package dev.switchboard.registry.settings;

/**
 * A setting's value is not valid. The message is one line that starts with the key, so the gateway can print it
 * and stop instead of showing a stack trace.
 */
public final class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_REASON = 300;
    private final String key;

    /**
     * @param key    the setting
     * @param reason what is wrong, and what is allowed
     */
    public SettingException(String key, String reason) {
        super(key + ": " + oneLine(reason));
        this.key = key;
    }

    /** A value quoted in the reason may hold line breaks or be huge: the message stays one short line. */
    private static String oneLine(String reason) {
        StringBuilder out = new StringBuilder(Math.min(reason.length(), MAX_REASON + 1));
        for (int i = 0; i < reason.length() && out.length() < MAX_REASON; i++) {
            char c = reason.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.length() < MAX_REASON ? out.toString() : out + "…";
    }

    /** @return the setting whose value is wrong */
    public String key() {
        return key;
    }
}
