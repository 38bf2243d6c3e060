package dev.switchboard.registry.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** What a listener's address ({@code HOST}, {@code ADMIN_HOST}) must be: one this machine can name. */
final class ListenHostRule {
    private ListenHostRule() {}

    /**
     * Checked where it is read, so that a wrong address is one line naming its setting rather than the bind's own
     * failure at start (which has no message).
     *
     * @param key  the setting
     * @param host its value: an IP address (IPv6 with or without brackets) or a host name
     * @throws SettingException when it is neither an IP address nor a name that resolves
     */
    static void check(String key, String host) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException | SecurityException e) {
            throw new SettingException(
                    key, "'" + host + "' is not an IP address or a host name that resolves (0.0.0.0: every address)");
        }
    }
}
