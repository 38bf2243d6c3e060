package dev.switchboard.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicGrantsTest {
    @Test
    void patternsCoverTheirNameOrTheirPrefix() {
        TopicGrants grants = TopicGrants.parse("publish=news|room:*;subscribe=*");
        assertThat(grants.mayPublish("news")).isTrue();
        assertThat(grants.mayPublish("newsroom")).isFalse();
        assertThat(grants.mayPublish("room:1")).isTrue();
        assertThat(grants.mayPublish("room")).isFalse();
        assertThat(grants.maySubscribe("anything")).isTrue();
        assertThat(TopicGrants.parse("subscribe=a").mayPublish("a")).isFalse();
        assertThat(TopicGrants.NONE.maySubscribe("a")).isFalse();
    }

    @Test
    void malformedGrantsAreRefused() {
        for (String bad : new String[] {
            "", "publish", "publish=", "publish=a||b", "read=a", "publish=a*b", "publish=a b", "publish=a;"
        }) {
            assertThatThrownBy(() -> TopicGrants.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
