package dev.switchboard.registry.settings;

/** What an admin bearer token must look like, wherever it comes from ({@code ADMIN_TOKEN}, a token file). */
public final class AdminTokenRule {
    /** Shorter tokens can be guessed. */
    public static final int MIN_LENGTH = 16;

    private AdminTokenRule() {}

    /**
     * @param token a token
     * @param key   the setting it came from, for the error
     * @return the token
     * @throws SettingException when it is too short or holds spaces (the message never quotes it)
     */
    public static String check(String token, String key) {
        if (token.length() < MIN_LENGTH || token.chars().anyMatch(Character::isWhitespace)) {
            throw new SettingException(key, "every token needs at least " + MIN_LENGTH + " characters and no spaces");
        }
        return token;
    }
}
